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

extension PostgresConnection {
  /// Returns once the server has committed the implicit transaction of the statement run
  /// before on this connection (REL-1).
  ///
  /// A statement outside BEGIN … COMMIT commits when the server processes the Sync that
  /// follows it, after its CommandComplete; PostgresNIO succeeds the statement at
  /// CommandComplete. A server stopped in between (a fast shutdown) sends the buffered
  /// CommandComplete and then terminates the session, the transaction rolled back: the
  /// caller would answer "done" for a change that never happened. The next statement is only
  /// sent once the server is ready for it, after that Sync, so its answer confirms the commit.
  public func confirmCommit(logger: Logger) async throws {
    try await perform("SELECT 1", logger: logger)
  }
}
