public import Logging
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

  public init(
    host: String = "127.0.0.1", port: Int = 5432, database: String = "hall", username: String,
    password: String, schema: String, maxConnections: Int = 20
  ) {
    self.host = host
    self.port = port
    self.database = database
    self.username = username
    self.password = password
    self.schema = schema
    self.maxConnections = maxConnections
  }

  public func makeClient(logger: Logger) -> PostgresClient {
    var configuration = PostgresClient.Configuration(
      host: host, port: port, username: username, password: password, database: database,
      tls: .disable)
    configuration.options.maximumConnections = maxConnections
    configuration.options.minimumConnections = 0
    configuration.options.additionalStartupParameters = [("search_path", schema)]
    return PostgresClient(configuration: configuration, backgroundLogger: logger)
  }
}
