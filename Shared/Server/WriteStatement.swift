import PostgresNIO

/// A call's last writes as one statement, one round trip: its data-modifying statement, its
/// events and its stored answer, each a data-modifying WITH of one query. PostgreSQL runs
/// every data-modifying WITH whether or not the query reads its result, all in one snapshot
/// and atomically. ``Outbox`` and ``Idempotency`` add their parts; nothing else builds it.
struct WriteStatement {
  private var binds: PostgresBindings
  private var parts: [String] = []
  private var notifies = false

  /// Starts with `change`, an INSERT, UPDATE or DELETE without RETURNING, whose placeholders
  /// keep their numbers; the other parts' are numbered after them.
  init(change: PostgresQuery?) {
    binds = change?.binds ?? PostgresBindings()
    if let change { parts.append("changed AS (\(change.sql))") }
  }

  var isEmpty: Bool { parts.isEmpty }

  /// The placeholder of `value`, bound in order.
  mutating func placeholder(_ value: some PostgresNonThrowingEncodable) -> String {
    binds.append(value)
    return "$\(binds.count)"
  }

  /// Adds a data-modifying WITH named `name`.
  mutating func add(_ name: String, _ sql: String) {
    parts.append("\(name) AS (\(sql))")
  }

  /// Wakes the outbox's sequencer when the transaction commits (notifications wait for it).
  mutating func notifyOutbox() {
    notifies = true
  }

  var query: PostgresQuery {
    var binds = binds
    var select = "1"
    if notifies {
      binds.append(OutboxChannels.appended)
      select = "pg_notify($\(binds.count) || current_schema(), '')"
    }
    return PostgresQuery(
      unsafeSQL: "WITH \(parts.joined(separator: ", ")) SELECT \(select)", binds: binds)
  }
}
