public import Logging
public import PostgresNIO
import Synchronization

extension PostgresConnection {
  /// Runs `statement` as a named prepared statement and returns all its rows.
  ///
  /// Parsing, analysing and planning cost PostgreSQL as much as running a service's hottest
  /// writes does: perf put 40 % of the server's CPU per window acceptance in them, and
  /// naming the two statements halved that CPU. A named statement is parsed once per
  /// connection and, after five runs, planned once (PostgreSQL's plan cache).
  ///
  /// For statements whose text is fixed at the call site, with binds of the same types on
  /// every run: the text is the statement's identity, and its parameters' types are those of
  /// the first run's binds on each connection. A nil Optional binds a NULL of no type, which
  /// PostgreSQL then infers from where the placeholder stands: it must stand where the type
  /// is the one the Swift value encodes as (a `Date` into a timestamptz column, say), or be
  /// cast to it, or a later run with a value is refused. A text built from values (a listing
  /// whose filters vary) belongs in `query`, which prepares nothing.
  public func prepared(_ statement: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
    guard let name = PreparedStatementNames.shared.name(for: statement.sql) else {
      return try await query(statement, logger: logger).collect()
    }
    // PostgresNIO names a prepared statement by its type's static members; this type reads
    // them from the task that runs it, which PostgresNIO does when it sends the statement.
    do {
      return try await NamedText.$current.withValue(.init(name: name, sql: statement.sql)) {
        let rows: AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> = try await execute(
          NamedText(bindings: statement.binds), logger: logger)
        var result: [PostgresRow] = []
        for try await row in rows { result.append(row) }
        return result
      }
    } catch let error as PSQLError where error.code == .server {
      // PostgresNIO keeps a failed preparation's error for the connection's life and answers
      // every later run of the name with it: a statement first sent inside a transaction that
      // had already failed would fail on that connection for ever. A constraint or a
      // deadlock fails the run, not the preparation; any other error gives the text a new
      // name, which each connection prepares afresh.
      let sqlState = error.serverInfo?[.sqlState] ?? ""
      if !["23", "40"].contains(sqlState.prefix(2)) {
        PreparedStatementNames.shared.retire(name, of: statement.sql)
      }
      throw error
    }
  }
}

/// A name per statement text, the same on every connection of the process.
final class PreparedStatementNames: Sendable {
  static let shared = PreparedStatementNames()

  private struct Entry {
    var number: Int
    var generation: Int
  }

  private let entries = Mutex<[String: Entry]>([:])
  /// Each name costs a parsed statement on every connection that runs it; past this many
  /// texts, something builds texts from values, and the rest run unprepared.
  let capacity: Int
  /// Each retired name leaves its error in every connection that ran it; a text retired this
  /// often runs unprepared from then on.
  let generations: Int

  init(capacity: Int = 1000, generations: Int = 100) {
    self.capacity = capacity
    self.generations = generations
  }

  /// The name for `sql`, or nil when it runs unprepared.
  func name(for sql: String) -> String? {
    entries.withLock { entries in
      if let entry = entries[sql] { return name(of: entry) }
      guard entries.count < capacity else { return nil }
      let entry = Entry(number: entries.count + 1, generation: 0)
      entries[sql] = entry
      return name(of: entry)
    }
  }

  /// Gives `sql` a new name, unless another run retired `name` already.
  func retire(_ name: String, of sql: String) {
    entries.withLock { entries in
      guard let entry = entries[sql], self.name(of: entry) == name else { return }
      entries[sql]?.generation += 1
    }
  }

  private func name(of entry: Entry) -> String? {
    entry.generation < generations ? "hall_\(entry.number)_\(entry.generation)" : nil
  }
}

/// The statement `prepared` runs, its name and text taken from the running task.
private struct NamedText: PostgresPreparedStatement {
  struct Current: Sendable {
    var name: String
    var sql: String
  }

  @TaskLocal static var current = Current(name: "", sql: "")

  static var name: String { current.name }
  static var sql: String { current.sql }

  typealias Row = PostgresRow

  var bindings: PostgresBindings

  func makeBindings() -> PostgresBindings { bindings }
  func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
