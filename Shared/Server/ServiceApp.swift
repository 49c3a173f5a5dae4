import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallContracts
import HallDatabase
public import Logging
public import PostgresNIO
public import ServiceLifecycle
import UnixSignals

/// Runs one service: migrates its schema, builds its parts from one context, then runs the
/// gRPC server, the feed's sequencer and the workers as peers of one `ServiceGroup` until a
/// graceful shutdown, when the server reports NOT_SERVING, stops taking calls and lets calls
/// in flight finish, and the workers stop after it (REL-4). The database client runs outside
/// that group, started first and stopped last, by whoever runs this service.
public final class ServiceApp: Service {
  public let definition: ServiceDefinition
  public let settings: ServiceSettings
  public let client: PostgresClient
  private let logger: Logger
  private let transport: HTTP2ServerTransport.Posix

  private let tls: ServiceTLS
  /// This deployment in the network of halls: checked at start, so that a wrong network
  /// file stops the service before it serves.
  public let identity: DeploymentIdentity
  public let metrics = ServiceMetrics()
  private let metricsEndpoint: MetricsEndpoint
  /// Set when the service fails before its server listens (a migration, a part that cannot
  /// be made, a pool too small): whoever waits for the port hears why instead of waiting
  /// for ever, since the transport only answers once it has been asked to listen.
  private let setup = SetupOutcome()
  private let health: HealthService

  /// Builds the listener: TLS when the settings give a certificate, plaintext only on a
  /// loopback address (and said so in the log), since the calls carry personal data and
  /// tokens.
  public init(definition: ServiceDefinition, settings: ServiceSettings, logger: Logger) throws {
    self.definition = definition
    self.settings = settings
    self.logger = logger
    self.tls = try ServiceTLS(settings: TLSSettings.load(from: settings.options), logger: logger)
    self.identity = try DeploymentIdentity.load(
      deployment: settings.deployment, options: settings.options)
    let host = settings.listenHost
    if !tls.settings.serves {
      guard PeerAddress.isLoopback(host: host) else {
        throw ServiceSettings.Problem(
          description:
            "listening on \(host) needs TLS (HALL_TLS_CERT_FILE and HALL_TLS_KEY_FILE); plaintext is for loopback development only"
        )
      }
      logger.notice(
        "plaintext listener: for development on this machine only",
        metadata: ["host": "\(host)"])
    }
    self.client = settings.database.makeClient(logger: logger)
    var config = HTTP2ServerTransport.Posix.Config.defaults
    // The transport resets the stream of a larger message without a status; up to this size
    // the contract's limits answer RESOURCE_EXHAUSTED with the method's own limit.
    config.rpc.maxRequestPayloadSize = Self.transportPayloadLimit
    let health = HealthService(services: definition.rpcServiceNames)
    self.health = health
    self.metricsEndpoint = MetricsEndpoint(
      registry: metrics.registry, ready: { health.isServing },
      host: settings.options["METRICS_HOST"] ?? host,
      port: try settings.intOption(
        "METRICS_PORT",
        default: settings.listenPort == 0 ? 0 : Self.defaultMetricsPorts[definition.name] ?? 0,
        range: 0...65535),
      logger: logger)
    self.transport = HTTP2ServerTransport.Posix(
      address: ipAddressBytes(host)?.count == 16
        ? .ipv6(host: host, port: settings.listenPort)
        : .ipv4(host: host == "localhost" ? "127.0.0.1" : host, port: settings.listenPort),
      transportSecurity: try tls.serverSecurity, config: config)
  }

  /// Where each service serves `/metrics` unless told otherwise (`HALL_METRICS_PORT`); a
  /// service listening on port 0 (tests) picks a free one for its metrics too.
  public static let defaultMetricsPorts = [
    "catalog": 9151, "intake": 9152, "rating": 9153, "supervision": 9154,
  ]

  /// The port `/metrics` is served on.
  public func metricsPort() async throws -> Int {
    try await metricsEndpoint.listeningPort()
  }

  /// The largest message the transport reads: 16 MiB.
  public static let transportPayloadLimit = 16 << 20

  /// The port actually bound (useful when the settings asked for port 0).
  public func listeningPort() async throws -> Int {
    let transport = transport
    let address = try await setup.racing { try await transport.listeningAddress }
    if let ipv4 = address.ipv4 { return ipv4.port }
    if let ipv6 = address.ipv6 { return ipv6.port }
    throw RPCError(code: .internalError, message: "server is not bound to an IP address")
  }

  public func run() async throws {
    defer { metricsEndpoint.abandon() }
    let parts: ServiceParts
    do {
      try await Migrator.migrate(
        definition.migrations, schema: definition.name, client: client, logger: logger)
      let context = ServiceContext(
        name: definition.name, client: client, settings: settings, logger: logger,
        links: try tls.links, metrics: metrics, identity: identity)
      parts = try await definition.make(context)
      try checkPoolSize(for: parts.workers)
    } catch {
      setup.fail(error)
      throw error
    }
    let feed = OutboxFeed(
      client: client, schema: definition.name,
      producer: "\(definition.name)@\(settings.deployment)", logger: logger, metrics: metrics)
    let server = GRPCServer(
      transport: transport,
      services: parts.handlers + [
        health, EventFeedService(feed: feed, childrenMayRead: definition.feedFollowedDown),
      ],
      interceptors: try interceptors())
    // Stopped in reverse order: the server drains first, then the sequencer, then workers.
    var peers = (parts.workers + [tls.worker].compactMap { $0 } + [metricsEndpoint]).map {
      ServiceGroupConfiguration.ServiceConfiguration(
        service: WorkerPeer(worker: $0, logger: logger))
    }
    peers.append(.init(service: SequencerPeer(feed: feed)))
    peers.append(
      .init(
        service: ServerPeer(server: server, health: health, feed: feed),
        successTerminationBehavior: .gracefullyShutdownGroup))
    let group = ServiceGroup(configuration: .init(services: peers, logger: logger))
    // Ready from here: migrated, built, and about to take calls.
    health.setServing(true)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask { try await group.run() }
      let port: Int
      do {
        port = try await listeningPort()
      } catch {
        // The listener never bound because a peer failed (the port taken, a worker that
        // could not start): that failure, not "no listening address", is the reason.
        try await tasks.next()
        throw error
      }
      logger.info("serving", metadata: ["service": "\(definition.name)", "port": "\(port)"])
      try await tasks.next()
    }
  }

  private func interceptors() throws -> [any ServerInterceptor] {
    let publicKey = try SigningKeyFile.publicKey(base64: settings.tokenPublicKey)
    let verifier = TokenVerifier(
      publicKey: publicKey, issuer: settings.deployment,
      trusted: identity.neighbours.map(\.trusted))
    var policy = definition.policy
    policy.allow(.anyone, Grpc_Health_V1_Health.Method.descriptors)
    // The feed carries every change, personal data included: only other services and the
    // deployment above (district link) read it.
    policy.allow(.roles([.service, .districtLink]), Hall_Events_V1_EventFeed.Method.descriptors)
    let streams: Set<MethodDescriptor> = [
      Hall_Events_V1_EventFeed.Method.Subscribe.descriptor,
      Grpc_Health_V1_Health.Method.Watch.descriptor,
    ]
    // Decided once: ServiceMain bootstraps the tracer, when there is one, before the server.
    let tracing: [any ServerInterceptor] =
      Traces.exported ? [TracingInterceptor(untraced: streams)] : []
    return [MetricsInterceptor(metrics: metrics, serverStreaming: streams)] + tracing + [
      RequestLoggingInterceptor(logger: logger),
      AuthInterceptor(verifier: verifier, policy: policy),
      ContractLimitsInterceptor(maximumBytes: definition.largeRequests),
      ErrorMappingInterceptor(logger: logger),
    ]
  }

  /// Each feed consumer holds one connection for its leader lock and takes another to apply
  /// a batch; with fewer, consumers and calls wait on each other for ever.
  private func checkPoolSize(for workers: [any Service]) throws {
    let consumers = workers.filter { $0 is FeedConsumer }.count
    let needed = 2 * consumers + 3
    guard settings.database.maxConnections >= needed else {
      throw ServiceSettings.Problem(
        description:
          "HALL_DB_MAX_CONNECTIONS is \(settings.database.maxConnections); \(definition.name) needs at least \(needed) (\(consumers) feed consumers hold a connection each and apply with another)"
      )
    }
  }

  /// Applies the migrations and returns, without serving.
  public func migrateOnly() async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { await self.client.run() }
      defer { group.cancelAll() }
      try await Migrator.migrate(
        definition.migrations, schema: definition.name, client: client, logger: logger)
    }
  }

  /// Runs the service with its database client until SIGTERM or SIGINT. Calls in flight get
  /// the drain time (`HALL_DRAIN_SECONDS`) to finish; past it the rest is cancelled, and a
  /// part that ignores cancellation for 5 s more ends the process, so that a stop always
  /// stops (REL-4). `exporter` (the traces') starts first and stops last, so that it sends
  /// the spans of the calls that drain.
  public func runUntilSignalled(alongside exporter: (any Service)? = nil) async throws {
    var configuration = ServiceGroupConfiguration(
      services: [exporter].compactMap { $0 }.map { .init(service: $0) } + [
        .init(service: client),
        .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup),
      ],
      gracefulShutdownSignals: [.sigterm, .sigint],
      logger: logger)
    configuration.maximumGracefulShutdownDuration = .seconds(
      try settings.intOption("DRAIN_SECONDS", default: 10, range: 1...300))
    configuration.maximumCancellationDuration = .seconds(5)
    try await ServiceGroup(configuration: configuration).run()
  }
}
