import Foundation
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// When the working calendar changes, every open case's due time is derived again from its
/// budget and ledger, and each one that moved is announced (INT-5, INT-12).
///
/// The change only marks the work as pending (``markPending(on:logger:)``, in the
/// transaction that applies the calendar); this worker then walks the open cases in case
/// number order, ``batchSize`` at a time, each batch its own short transaction with its place
/// kept in `due_time_rederivation`. A city's million open cases are never locked at once,
/// and an acceptance waits at most for one batch. A further change starts the walk again;
/// a case changed meanwhile by a call derived its due time with the calendar of that moment.
final class DueTimeRederivation: Service {
  let client: PostgresClient
  let calendars: CalendarSource
  let clock: WallClock
  let logger: Logger
  static let batchSize = 500
  static let idleInterval = Duration.seconds(2)

  init(client: PostgresClient, calendars: CalendarSource, clock: WallClock, logger: Logger) {
    self.client = client
    self.calendars = calendars
    self.clock = clock
    self.logger = logger
  }

  /// Schedules a walk over every open case, from the first.
  static func markPending(on connection: PostgresConnection, logger: Logger) async throws {
    try await connection.query(
      "UPDATE due_time_rederivation SET pending = true, after_case = '' WHERE id = 1",
      logger: logger)
  }

  func run() async throws {
    while !Task.isCancelled {
      do {
        while try await pass() > 0 {}
      } catch  where !Task.isCancelled {
        logger.warning("due time re-derivation failed", metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: Self.idleInterval)
    }
  }

  /// One batch of the pending walk; returns how many cases it looked at (0: nothing pending).
  @discardableResult
  func pass() async throws -> Int {
    try await client.transaction(logger: logger) { connection in
      let state = try await connection.query(
        "SELECT pending, after_case FROM due_time_rederivation WHERE id = 1 FOR UPDATE",
        logger: logger
      ).collect()
      guard let row = state.first else { return 0 }
      let (pending, after) = try row.decode((Bool, String).self)
      guard pending else { return 0 }
      let rows = try await connection.query(
        """
        SELECT body FROM cases
        WHERE open AND due_time IS NOT NULL AND case_number > \(after)
        ORDER BY case_number LIMIT \(Self.batchSize) FOR UPDATE
        """, logger: logger
      ).collect()
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      let now = clock.now
      var last = after
      for row in rows {
        var kase = try Hall_Intake_V1_Case(bytea: try row.decode(ByteBuffer.self))
        last = kase.caseNumber
        let before = kase.deadline.dueTime.date
        try DeadlineClock.derive(&kase.deadline, now: now, calendar: calendar)
        let after = kase.deadline.dueTime.date
        guard after != before else { continue }
        try await CaseStore.record(
          &kase, action: "due_time_changed",
          note: "working calendar changed: \(before) → \(after)", on: connection, logger: logger,
          now: now)
      }
      let done = rows.count < Self.batchSize
      try await connection.query(
        "UPDATE due_time_rederivation SET pending = \(!done), after_case = \(last) WHERE id = 1",
        logger: logger)
      return max(rows.count, 1)
    }
  }
}
