public import Logging
public import PostgresNIO

extension PostgresClient {
  /// Runs `body` in a transaction and rethrows the body's own error rather than PostgresNIO's
  /// wrapper, so that handlers can map domain errors to gRPC statuses.
  public func transaction<Result: Sendable>(
    logger: Logger,
    _ body: (PostgresConnection) async throws -> Result
  ) async throws -> Result {
    do {
      return try await withTransaction(logger: logger) { connection in
        try await body(connection)
      }
    } catch let error as PostgresTransactionError {
      if let closureError = error.closureError { throw closureError }
      if let commitError = error.commitError { throw commitError }
      if let beginError = error.beginError { throw beginError }
      throw error
    }
  }
}

extension PSQLError {
  /// The SQLSTATE of a server error, e.g. "23505" for a unique violation.
  public var sqlState: String? {
    serverInfo?[.sqlState]
  }

  /// The constraint a server error names, if any.
  public var constraintName: String? {
    serverInfo?[.constraintName]
  }
}
