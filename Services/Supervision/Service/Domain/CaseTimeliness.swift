import Foundation
import HallCalendar
import HallContracts
import SwiftProtobuf

/// Timeliness (SUP-2) of one case: its due and warning instants, its state, and the cards
/// it has earned by a given instant. Pure, so that an event and the timer reach the same
/// verdict; a card carries the working instant at which it became due, not when it was
/// noticed, so a late event or a slow timer never moves it.
enum CaseTimeliness {
  /// The warning instant for `kase`, whose due time is set; nil when there is none.
  static func warningTime(
    of kase: SupervisedCase, start: Date, rules: SupervisionRules, calendar: WorkingCalendar
  ) throws -> Date? {
    let due = kase.dueTime.date
    guard due > start else { return nil }
    if kase.caseKind == .onTheSpot {
      return try fraction(rules.onTheSpotWarningPercent, from: start, to: due, calendar)
    }
    switch rules.warning {
    case .percentUsed(let percent):
      return try fraction(percent, from: start, to: due, calendar)
    case .workingDaysBefore(let days):
      var day = CivilDate(chinaStandardTimeOf: due)
      for _ in 0..<days { day = calendar.previousWorkingDay(before: day) }
      let shift = TimeInterval(CivilDate(chinaStandardTimeOf: due).dayNumber - day.dayNumber)
      return max(start, due.addingTimeInterval(-shift * 86_400))
    }
  }

  private static func fraction(
    _ percent: Int, from start: Date, to due: Date, _ calendar: WorkingCalendar
  ) throws -> Date {
    let total = calendar.workingSeconds(from: start, to: due)
    return try calendar.instant(addingWorkingSeconds: total * Int64(percent) / 100, to: start)
  }

  /// Raises the cards `kase` has earned by `instant` (once each) and sets its timeliness.
  /// Returns the instant of the next card still to come, for the timer.
  @discardableResult
  static func evaluate(_ kase: inout SupervisedCase, at instant: Date) -> Date? {
    let timed = kase.hasDueTime
    // A case that left without a decision (refused, withdrawn, escalated) stopped its clock
    // when it left.
    let stop = kase.hasCompletionTime ? kase.completionTime.date : kase.updateTime.date
    let end = kase.open ? instant : min(stop, instant)
    var next: Date?
    if timed {
      let due = kase.dueTime.date
      if kase.hasWarningTime, !kase.hasYellowCardTime {
        let warning = kase.warningTime.date
        if warning <= end {
          kase.yellowCardTime = .init(date: warning)
        } else if kase.open {
          next = warning
        }
      }
      if !kase.hasRedCardTime {
        if due < end || (due == end && kase.open) {
          kase.redCardTime = .init(date: due)
        } else if kase.open {
          next = min(next ?? due, due)
        }
      }
    }
    if kase.hasRedCardTime {
      kase.timeliness = .overdue
    } else if kase.open && !timed && kase.hasAcceptTime {
      kase.timeliness = .paused
    } else if kase.hasYellowCardTime {
      kase.timeliness = .warned
    } else {
      kase.timeliness = .normal
    }
    return next
  }
}
