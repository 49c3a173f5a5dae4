import Foundation
#if canImport(Glibc)
  import Glibc
#endif
public import HallAuth
public import HallCalendar
public import HallDatabase
public import HallServer
import Logging
public import PostgresNIO
import ServiceLifecycle

/// The deployment's key pair for one test process, and tokens signed with it.
public enum TestKeys {
  public static let deployment = "test-deployment"
  public static let privateKey = SigningKeyFile.generatePrivateKey()
  public static let signer = TokenSigner(
    privateKey: try! SigningKeyFile.privateKey(base64: privateKey), issuer: deployment)

  public static func token(
    _ role: Role, subject: String = "tester", department: String? = nil, region: String? = nil,
    hall: String? = nil, deployment: String = deployment
  ) -> String {
    try! TokenSigner(privateKey: signer.privateKey, issuer: deployment).mint(
      Principal(
        subject: subject, role: role, departmentID: department, regionCode: region, hallID: hall))
  }

  /// The public key every test deployment's tokens verify with.
  public static var publicKey: String {
    try! SigningKeyFile.publicKeyBase64(ofPrivate: privateKey)
  }
}

/// One service running in-process on an ephemeral port against its own fresh database,
/// exactly as its executable runs it (migrations, interceptors, health).
public final class TestService: Sendable {
  public let port: Int
  /// Where it serves `/metrics`.
  public let metricsPort: Int
  /// The service's database, for tests that look at what it stored.
  public let database: DatabaseSettings
  private let group: ServiceGroup
  private let task: Task<Void, any Error>

  private init(
    port: Int, metricsPort: Int, database: DatabaseSettings, group: ServiceGroup,
    task: Task<Void, any Error>
  ) {
    self.port = port
    self.metricsPort = metricsPort
    self.database = database
    self.group = group
    self.task = task
  }

  /// Starts the service on a new database, or on `database` to run a second instance.
  /// `options` are the service's own settings (``ServiceSettings/options``), e.g. the
  /// address of a feed it consumes; the service gets a `service` token for such links. It
  /// reads the time from `clock` (by default one standing at ``TestClock/start``).
  /// `deployment` names another deployment of a network (its tokens are signed with the
  /// same test key, under that name).
  public static func start(
    _ definition: ServiceDefinition, database existing: DatabaseSettings? = nil, port: Int = 0,
    options: [String: String] = [:], clock: WallClock = TestClock().wallClock,
    deployment: String = TestKeys.deployment
  ) async throws -> TestService {
    let database: DatabaseSettings
    if let existing {
      database = existing
    } else {
      database = try await TestCluster.shared.makeDatabase(service: definition.name)
    }
    let settings = ServiceSettings(
      deployment: deployment, listenHost: "127.0.0.1", listenPort: port,
      tokenPublicKey: try SigningKeyFile.publicKeyBase64(ofPrivate: TestKeys.privateKey),
      database: database,
      serviceToken: TestKeys.token(.service, subject: definition.name, deployment: deployment),
      // Metrics on a free port too: tests run many services at once, some on fixed ports.
      options: options.merging(["METRICS_PORT": "0"]) { given, _ in given }, clock: clock)
    var logger = Logger(label: "test.\(definition.name)")
    logger.logLevel = .warning
    let app = try ServiceApp(definition: definition, settings: settings, logger: logger)
    let group = ServiceGroup(
      configuration: .init(
        services: [.init(service: app.client), .init(service: app)], logger: logger))
    let task = Task { try await group.run() }
    do {
      let port = try await app.listeningPort()
      return TestService(
        port: port, metricsPort: try await app.metricsPort(), database: database, group: group,
        task: task)
    } catch {
      // The service ended before it served: stop what runs, and say why it ended.
      await group.triggerGracefulShutdown()
      if case .failure(let cause) = await task.result { throw cause }
      throw error
    }
  }

  public func stop() async throws {
    await group.triggerGracefulShutdown()
    try await task.value
  }

  /// Starts the service, runs `body` with its port, and always stops it.
  public static func with<Result: Sendable>(
    _ definition: ServiceDefinition, port: Int = 0, options: [String: String] = [:],
    clock: WallClock = TestClock().wallClock, deployment: String = TestKeys.deployment,
    _ body: (TestService) async throws -> Result
  ) async throws -> Result {
    let service = try await start(
      definition, port: port, options: options, clock: clock, deployment: deployment)
    do {
      let result = try await body(service)
      try await service.stop()
      return result
    } catch {
      try? await service.stop()
      throw error
    }
  }
}

/// A loopback port nothing listens on now, for a service that others must know the address
/// of before it starts (two services that consume each other's feeds).
public func freePort() throws -> Int {
  let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard socket >= 0 else { throw PortError() }
  defer { close(socket) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
    }
  }
  guard bound else { throw PortError() }
  return Int(UInt16(bigEndian: address.sin_port))
}

struct PortError: Error {}

extension DatabaseSettings {
  /// Runs `body` with a client connected as the service's role.
  public func withClient<Result: Sendable>(
    _ body: @Sendable (PostgresClient) async throws -> Result
  ) async throws -> Result {
    let client = makeClient(logger: Logger(label: "test.database"))
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { await client.run() }
      defer { group.cancelAll() }
      return try await body(client)
    }
  }
}
