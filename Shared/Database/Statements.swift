public import Logging
public import PostgresNIO

extension PostgresConnection {
  /// Runs a statement for its effect and reads its rows to the end.
  ///
  /// PostgresNIO hands back a statement that returns rows as soon as their description
  /// arrives, before the statement has run: an error raised while it runs (a key already
  /// taken by a data-modifying WITH, a deadlock on a lock) reaches only a reader of the rows.
  /// Unread, it passes unseen, and COMMIT then quietly rolls the transaction back. A
  /// statement that returns no rows is awaited to its end by `query` itself.
  ///
  /// The statement is prepared (``prepared(_:logger:)``): its text must be fixed at the call
  /// site.
  public func perform(_ statement: PostgresQuery, logger: Logger) async throws {
    _ = try await prepared(statement, logger: logger)
  }
}
