public import Logging
import NIOSSL
public import PostgresNIO

/// Where a service's database is and who the service is there. Each service logs in as its
/// own role, which owns the service's schema and has no rights on the others' (OPS-1).
public struct DatabaseSettings: Sendable, Equatable {
  public var host: String
  public var port: Int
  public var database: String
  public var username: String
  public var password: String
  /// The service's schema; also the role's search_path.
  public var schema: String
  public var maxConnections: Int
  /// How the connection is secured (SEC-4).
  public var tls: DatabaseTLS

  public init(
    host: String = "127.0.0.1", port: Int = 5432, database: String = "hall", username: String,
    password: String, schema: String, maxConnections: Int = 20, tls: DatabaseTLS = .disable
  ) {
    self.host = host
    self.port = port
    self.database = database
    self.username = username
    self.password = password
    self.schema = schema
    self.maxConnections = maxConnections
    self.tls = tls
  }

  public func makeClient(logger: Logger) -> PostgresClient {
    var configuration = PostgresClient.Configuration(
      host: host, port: port, username: username, password: password, database: database,
      tls: .disable)
    configuration.tls = tls.client
    configuration.options.maximumConnections = maxConnections
    configuration.options.minimumConnections = 0
    configuration.options.additionalStartupParameters = [("search_path", schema)]
    return PostgresClient(
      configuration: configuration, eventLoopGroup: RoundRobinLoops(), backgroundLogger: logger)
  }
}

/// TLS to PostgreSQL: none (a loopback cluster in development), or required, with the
/// server's certificate checked against the authority in `authorityFile` (its name or
/// address included), or against the system's roots when there is none.
public enum DatabaseTLS: Sendable, Equatable {
  case disable
  case verifyFull(authorityFile: String?)

  var client: PostgresClient.Configuration.TLS {
    guard case .verifyFull(let authorityFile) = self else { return .disable }
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.certificateVerification = .fullVerification
    if let authorityFile { configuration.trustRoots = .file(authorityFile) }
    return .require(configuration)
  }
}
