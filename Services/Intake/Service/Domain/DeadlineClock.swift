import Foundation
import HallCalendar
import HallContracts
import SwiftProtobuf

/// Derives a case's due time from its budget, its ledger and the calendar (INT-5). Nothing
/// here stores a due time as a fact: it is recomputed whenever the ledger or the calendar
/// changes, so a correction never wrongly makes a case overdue and a pause over a holiday
/// costs no working time (REFERENCE.md, "Lessons from other case systems").
enum DeadlineClock {
  /// A new deadline counted from `start`.
  static func start(
    at start: Date, budget: Int32, statutory: Int32, calendar: WorkingCalendar
  ) throws -> Deadline {
    var deadline = Deadline.with {
      $0.budgetWorkingDays = budget
      $0.statutoryWorkingDays = statutory
      $0.startTime = .init(date: start)
    }
    try derive(&deadline, now: start, calendar: calendar)
    return deadline
  }

  /// Recomputes paused time and the due time. Pauses that began before the current start (a
  /// restart) no longer count; an open pause counts up to `now`.
  static func derive(
    _ deadline: inout Deadline, now: Date, calendar: WorkingCalendar
  ) throws {
    let start = deadline.startTime.date
    var paused: Int64 = 0
    var open = false
    var extended: Int32 = 0
    for index in deadline.ledger.indices {
      let entry = deadline.ledger[index]
      switch entry.kind {
      case .extension:
        extended += entry.workingDays
      case .correctionPause, .specialProcedurePause:
        let from = max(entry.startTime.date, start)
        let to = entry.hasEndTime ? entry.endTime.date : now
        let seconds = entry.startTime.date < start ? 0 : calendar.workingSeconds(from: from, to: to)
        if entry.hasEndTime {
          deadline.ledger[index].pausedWorkingSeconds = seconds
        } else {
          open = true
        }
        paused += seconds
      default:
        break
      }
    }
    deadline.extensionWorkingDays = extended
    deadline.paused = open
    deadline.pausedWorkingSeconds = paused
    let base = try calendar.dueTime(
      after: Int(deadline.budgetWorkingDays + extended), from: start)
    deadline.dueTime = .init(date: try calendar.instant(addingWorkingSeconds: paused, to: base))
  }

  /// Opens a pause of `kind` at `now`.
  static func pause(
    _ deadline: inout Deadline, kind: LedgerEntryKind,
    reason: String, by actor: String, now: Date, calendar: WorkingCalendar
  ) throws {
    deadline.ledger.append(
      .with {
        $0.kind = kind
        $0.startTime = .init(date: now)
        $0.reason = reason
        $0.recordedBy = actor
      })
    try derive(&deadline, now: now, calendar: calendar)
  }

  /// Closes the open ledger entry of `kind` (a pause or a counted special procedure).
  static func close(
    _ deadline: inout Deadline, kind: LedgerEntryKind,
    result: String = "", now: Date, calendar: WorkingCalendar
  ) throws {
    if let index = deadline.ledger.lastIndex(where: { $0.kind == kind && !$0.hasEndTime }) {
      deadline.ledger[index].endTime = .init(date: now)
      deadline.ledger[index].result = result
    }
    try derive(&deadline, now: now, calendar: calendar)
  }

  /// The limit counts afresh from `now` (the "restart" correction rule, ``IntakeRules``).
  static func restart(
    _ deadline: inout Deadline, reason: String, by actor: String, now: Date,
    calendar: WorkingCalendar
  ) throws {
    deadline.ledger.append(
      .with {
        $0.kind = .restart
        $0.startTime = .init(date: now)
        $0.reason = reason
        $0.recordedBy = actor
      })
    deadline.startTime = .init(date: now)
    try derive(&deadline, now: now, calendar: calendar)
  }
}
