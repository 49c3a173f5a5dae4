import HallDatabase
import PostgresNIO

/// Where the walk over open cases that re-derives their due times stands
/// (``DueTimeRederivation``): whether one is pending, and the last case it passed.
struct RederivationStore {
  let db: Database

  /// Schedules a walk over every open case, from the first.
  func markPending() async throws {
    _ = try await db.query(
      "UPDATE due_time_rederivation SET pending = true, after_case = '' WHERE id = 1")
  }

  /// The pending walk's place, locked for the batch; nil when no walk is pending.
  func lockPending() async throws -> String? {
    let rows = try await db.query(
      "SELECT pending, after_case FROM due_time_rederivation WHERE id = 1 FOR UPDATE")
    guard let row = rows.first else { return nil }
    let (pending, after) = try row.decode((Bool, String).self)
    return pending ? after : nil
  }

  /// The walk's new place after a batch that ended at `caseNumber`; `done` ends it.
  func advance(to caseNumber: String, done: Bool) async throws {
    _ = try await db.query(
      "UPDATE due_time_rederivation SET pending = \(!done), after_case = \(caseNumber) WHERE id = 1"
    )
  }
}
