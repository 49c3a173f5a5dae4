import HallCalendar
import HallContracts
import HallServer
import Logging
import ServiceLifecycle
import SwiftProtobuf

/// When the working calendar changes, every open case's due time is derived again from its
/// budget and ledger, and each one that moved is announced (INT-5, INT-12).
///
/// The change only marks the work as pending (``RederivationStore/markPending()``, in the
/// transaction that applies the calendar); this worker then walks the open cases in case
/// number order, ``batchSize`` at a time, each batch its own short transaction with its place
/// kept in `due_time_rederivation`. A city's million open cases are never locked at once,
/// and an acceptance waits at most for one batch. A further change starts the walk again;
/// a case changed meanwhile by a call derived its due time with the calendar of that moment.
final class DueTimeRederivation: Service {
  let service: ServiceContext
  static let batchSize = 500
  static let idleInterval = Duration.seconds(2)

  init(_ service: ServiceContext) {
    self.service = service
  }

  func run() async throws {
    try await Passes.repeatUntilCancelled(
      every: Self.idleInterval, logger: service.logger, failure: "due time re-derivation failed"
    ) { try await pass() }
  }

  /// One batch of the pending walk; returns how many cases it looked at (0: nothing pending).
  @discardableResult
  func pass() async throws -> Int {
    try await service.transaction { db in
      let walk = RederivationStore(db: db)
      guard let after = try await walk.lockPending() else { return 0 }
      let cases = try await CaseStore(db: db).lockOpenWithDueTime(
        after: after, limit: Self.batchSize)
      let calendar = try await service.calendar(on: db)
      let now = service.clock.now
      for var kase in cases {
        let before = kase.deadline.dueTime.date
        try DeadlineClock.derive(&kase.deadline, now: now, calendar: calendar)
        let moved = kase.deadline.dueTime.date
        guard moved != before else { continue }
        let event = kase.trace(
          .dueTimeChanged, note: "working calendar changed: \(before) → \(moved)", now: now)
        try await CaseStore(db: db).save(kase, isNew: false, events: [event])
      }
      try await walk.advance(
        to: cases.last?.caseNumber ?? after, done: cases.count < Self.batchSize)
      return max(cases.count, 1)
    }
  }
}
