import Foundation
public import HallDatabase
import Logging
import PostgresNIO

#if canImport(Glibc)
  import Glibc
#endif

/// A throw-away PostgreSQL cluster for one test process, made by the same script as local
/// deployments (deploy/local-postgres.sh) in a temporary folder, on a free loopback port,
/// with fsync off. It is never a server that happens to be running. Each test then gets a
/// database of its own, so tests run in parallel without seeing each other's rows.
public actor TestCluster {
  public static let shared = TestCluster()

  public struct StartError: Error, CustomStringConvertible {
    public var description: String
  }

  private var started: (dir: String, port: Int, adminPassword: String)?
  /// Swift Testing runs every test of a process at once, each with its own pools (a feed
  /// test holds a producer's, a consumer's and its writers'), so the throw-away server has
  /// far more slots than a deployment needs.
  static let maxConnections = 1000
  private var counter = 0

  /// The checkout's root, found from this file's path.
  public static let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  private func start() throws -> (dir: String, port: Int, adminPassword: String) {
    if let started { return started }
    let dir = NSTemporaryDirectory() + "hall-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let port = try Self.freePort()
    let script = Self.repositoryRoot + "/deploy/local-postgres.sh"
    let logPath = dir + ".start.log"
    // system() rather than Foundation's Process: on Linux, Process can miss the child's exit
    // when the child leaves a daemon behind (the server), and then waits for ever. This runs
    // once per test process.
    let status = system(
      "HALL_PG_DIR='\(dir)' HALL_PG_PORT=\(port) HALL_PG_FAST=1"
        + " HALL_PG_MAX_CONNECTIONS=\(Self.maxConnections) bash '\(script)' start"
        + " >'\(logPath)' 2>&1 </dev/null")
    let log = (try? Data(contentsOf: URL(fileURLWithPath: logPath))) ?? Data()
    try? FileManager.default.removeItem(atPath: logPath)
    guard status == 0 else {
      throw StartError(
        description: """
          could not start a throw-away PostgreSQL with deploy/local-postgres.sh (it installs \
          Debian's postgresql when initdb is missing; as a non-root user install it with \
          'sudo apt-get install postgresql'): \(String(decoding: log, as: UTF8.self))
          """)
    }
    let password = try String(contentsOfFile: dir + "/secrets/hall_admin.password", encoding: .utf8)
    started = (dir, port, password)
    TestClusterCleanup.register(dir: dir)
    return (dir, port, password)
  }

  /// A new, empty database in which `service`'s role owns its schema, as in a deployment.
  public func makeDatabase(service: String) async throws -> DatabaseSettings {
    let cluster = try start()
    counter += 1
    let name = "t\(counter)_\(service)"
    let logger = Logger(label: "test-cluster")
    try await Self.asAdmin(port: cluster.port, password: cluster.adminPassword, database: "hall") {
      try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
    }
    try await Self.asAdmin(port: cluster.port, password: cluster.adminPassword, database: name) {
      connection in
      for statement in [
        "REVOKE ALL ON DATABASE \(name) FROM PUBLIC",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        "GRANT CONNECT, TEMPORARY ON DATABASE \(name) TO hall_\(service)",
        "CREATE SCHEMA \(service) AUTHORIZATION hall_\(service)",
      ] {
        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
      }
    }
    let password = try String(
      contentsOfFile: cluster.dir + "/secrets/hall_\(service).password", encoding: .utf8)
    return DatabaseSettings(
      host: "127.0.0.1", port: cluster.port, database: name, username: "hall_\(service)",
      password: password, schema: service, maxConnections: 12)
  }

  private static func asAdmin(
    port: Int, password: String, database: String,
    _ body: (PostgresConnection) async throws -> Void
  ) async throws {
    let connection = try await PostgresConnection.connect(
      configuration: .init(
        host: "127.0.0.1", port: port, username: "hall_admin", password: password,
        database: database, tls: .disable),
      id: 1, logger: Logger(label: "test-cluster"))
    do {
      try await body(connection)
    } catch {
      try? await connection.close()
      throw error
    }
    try await connection.close()
  }

  /// A loopback port nobody listens on, chosen by the kernel.
  public static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw StartError(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else { throw StartError(description: "could not bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}

/// Stops the throw-away cluster and deletes its folder when the test process exits.
enum TestClusterCleanup {
  nonisolated(unsafe) static var dir: String?

  static func register(dir: String) {
    self.dir = dir
    atexit {
      guard let dir = TestClusterCleanup.dir else { return }
      let script = TestCluster.repositoryRoot + "/deploy/local-postgres.sh"
      _ = system("HALL_PG_DIR='\(dir)' bash '\(script)' destroy >/dev/null 2>&1")
    }
  }
}
