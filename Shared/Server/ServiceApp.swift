public import GRPCCore
import GRPCNIOTransportHTTP2
public import HallAuth
import HallContracts
public import HallDatabase
public import Logging
public import PostgresNIO
public import ServiceLifecycle
import UnixSignals

/// What makes one of the platform's services: its schema's migrations, who may call what,
/// and how to build its RPC handlers once the database is ready.
public struct ServiceDefinition: Sendable {
  /// Short name, also the schema: "catalog", "intake", "supervision", "rating".
  public var name: String
  public var migrations: [Migration]
  public var policy: AccessPolicy
  /// Fully qualified names of the RPC services offered, for the health service.
  public var rpcServiceNames: [String]
  /// Methods ("pkg.Service/Method") that take requests larger than 4 MiB, with their limit
  /// (at most ``ServiceApp/transportPayloadLimit``).
  public var largeRequests: [String: Int]
  /// Builds the handlers; runs after migrations, so it may seed data.
  public var makeServices:
    @Sendable (PostgresClient, ServiceSettings, Logger) async throws -> [any RegistrableRPCService]
  /// Builds what runs beside the handlers for as long as the service serves: feed consumers,
  /// timers. They are cancelled when the server has drained.
  public var makeWorkers:
    @Sendable (PostgresClient, ServiceSettings, Logger) async throws -> [any Service]

  public init(
    name: String, migrations: [Migration], policy: AccessPolicy, rpcServiceNames: [String],
    largeRequests: [String: Int] = [:],
    makeWorkers:
      @escaping @Sendable (PostgresClient, ServiceSettings, Logger) async throws -> [any Service] =
      { _, _, _ in [] },
    makeServices:
      @escaping @Sendable (PostgresClient, ServiceSettings, Logger) async throws ->
      [any RegistrableRPCService]
  ) {
    self.name = name
    self.migrations = migrations
    self.policy = policy
    self.rpcServiceNames = rpcServiceNames
    self.largeRequests = largeRequests
    self.makeWorkers = makeWorkers
    self.makeServices = makeServices
  }
}

/// Runs one service: migrates its schema, then serves gRPC until a graceful shutdown, when it
/// reports NOT_SERVING, stops taking calls and lets calls in flight finish (REL-4).
public final class ServiceApp: Service {
  public let definition: ServiceDefinition
  public let settings: ServiceSettings
  public let client: PostgresClient
  private let logger: Logger
  private let transport: HTTP2ServerTransport.Posix

  public init(definition: ServiceDefinition, settings: ServiceSettings, logger: Logger) {
    self.definition = definition
    self.settings = settings
    self.logger = logger
    self.client = settings.database.makeClient(logger: logger)
    var config = HTTP2ServerTransport.Posix.Config.defaults
    // The transport resets the stream of a larger message without a status; up to this size
    // the contract's limits answer RESOURCE_EXHAUSTED with the method's own limit.
    config.rpc.maxRequestPayloadSize = Self.transportPayloadLimit
    self.transport = HTTP2ServerTransport.Posix(
      address: .ipv4(host: settings.listenHost, port: settings.listenPort),
      transportSecurity: .plaintext, config: config)
  }

  /// The largest message the transport reads: 16 MiB.
  public static let transportPayloadLimit = 16 << 20

  /// The port actually bound (useful when the settings asked for port 0).
  public func listeningPort() async throws -> Int {
    let address = try await transport.listeningAddress
    if let ipv4 = address.ipv4 { return ipv4.port }
    if let ipv6 = address.ipv6 { return ipv6.port }
    throw RPCError(code: .internalError, message: "server is not bound to an IP address")
  }

  public func run() async throws {
    try await Migrator.migrate(
      definition.migrations, schema: definition.name, client: client, logger: logger)
    let publicKey = try SigningKeyFile.publicKey(base64: settings.tokenPublicKey)
    let verifier = TokenVerifier(publicKey: publicKey, issuer: settings.deployment)
    let health = HealthService(services: definition.rpcServiceNames)
    var policy = definition.policy
    policy.allow(.anyone, service: "grpc.health.v1.Health", methods: ["Check", "Watch"])
    // The feed carries every change, personal data included: only other services and the
    // deployment above (district link) read it.
    policy.allow(
      .roles([.service, .districtLink]),
      service: Hall_Events_V1_EventFeed.descriptor.fullyQualifiedService, methods: ["Subscribe"])
    let feed = OutboxFeed(
      client: client, schema: definition.name,
      producer: "\(definition.name)@\(settings.deployment)", logger: logger)
    let services = try await definition.makeServices(client, settings, logger)
    let workers = try await definition.makeWorkers(client, settings, logger)
    // Each feed consumer holds one connection for its leader lock and takes another to apply
    // a batch; with fewer, consumers and calls wait on each other for ever.
    let consumers = workers.filter { $0 is FeedConsumer }.count
    let needed = 2 * consumers + 3
    guard settings.database.maxConnections >= needed else {
      throw ServiceSettings.Problem(
        description:
          "HALL_DB_MAX_CONNECTIONS is \(settings.database.maxConnections); \(definition.name) needs at least \(needed) (\(consumers) feed consumers hold a connection each and apply with another)"
      )
    }
    let server = GRPCServer(
      transport: transport,
      services: services + [health, EventFeedService(feed: feed)],
      interceptors: [
        RequestLoggingInterceptor(logger: logger),
        AuthInterceptor(verifier: verifier, policy: policy),
        ContractLimitsInterceptor(maximumBytes: definition.largeRequests),
        ErrorMappingInterceptor(logger: logger),
      ])
    try await withGracefulShutdownHandler {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        group.addTask { await feed.run() }
        for worker in workers {
          group.addTask {
            do {
              try await worker.run()
            } catch  where !Task.isCancelled {
              // A worker that gives up takes the process down, so that the orchestrator
              // restarts it instead of leaving a service that serves stale data.
              self.logger.critical("worker failed", metadata: ["error": "\(error)"])
              throw error
            }
          }
        }
        let port = try await self.listeningPort()
        self.logger.info(
          "serving", metadata: ["service": "\(self.definition.name)", "port": "\(port)"])
        // The server returns once drained; the feed then has nobody left to wake.
        try await group.next()
        group.cancelAll()
      }
    } onGracefulShutdown: {
      health.setServing(false)
      feed.beginShutdown()
      server.beginGracefulShutdown()
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
  /// stops (REL-4).
  public func runUntilSignalled() async throws {
    var configuration = ServiceGroupConfiguration(
      services: [
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
