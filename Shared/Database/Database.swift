public import Logging
public import PostgresNIO

/// A connection and the logger its statements log to: what a store is bound to, so that a
/// store's call reads `cases.lock(number)` rather than threading `on: connection, logger:
/// logger` through every call.
public struct Database: Sendable {
  public let connection: PostgresConnection
  public let logger: Logger

  public init(_ connection: PostgresConnection, logger: Logger) {
    self.connection = connection
    self.logger = logger
  }

  /// All rows of a statement whose text varies with its values (a listing's filters):
  /// nothing is prepared.
  public func query(_ statement: PostgresQuery) async throws -> [PostgresRow] {
    try await StatementSpans.traced(statement.sql) {
      try await connection.query(statement, logger: logger).collect()
    }
  }

  /// All rows of a statement whose text is fixed at its call site, run prepared
  /// (``PostgresNIO/PostgresConnection/prepared(_:logger:)``).
  public func prepared(_ statement: PostgresQuery) async throws -> [PostgresRow] {
    try await StatementSpans.traced(statement.sql) {
      try await connection.prepared(statement, logger: logger)
    }
  }

  /// Runs a statement for its effect, to its end (``PostgresNIO/PostgresConnection/perform(_:logger:)``).
  public func perform(_ statement: PostgresQuery) async throws {
    try await StatementSpans.traced(statement.sql) {
      try await connection.perform(statement, logger: logger)
    }
  }

  /// The first row's single column, or nil when there is no row.
  public func value<Value: PostgresDecodable>(
    _ type: Value.Type, _ statement: PostgresQuery
  ) async throws -> Value? {
    try await prepared(statement).first?.decode(Value.self)
  }
}

extension PostgresClient {
  /// Runs `body` on a pooled connection, outside a transaction.
  public func withDatabase<Result: Sendable>(
    logger: Logger, _ body: (Database) async throws -> Result
  ) async throws -> Result {
    try await withConnection { connection in try await body(Database(connection, logger: logger)) }
  }

  /// Runs `body` in a transaction (``transaction(logger:_:)``).
  public func inTransaction<Result: Sendable>(
    logger: Logger, _ body: (Database) async throws -> Result
  ) async throws -> Result {
    try await transaction(logger: logger) { connection in
      try await body(Database(connection, logger: logger))
    }
  }
}
