import Foundation
import HallCalendar
import HallContracts
import SwiftProtobuf

/// The rules that judge a case from its own record (SUP-3): overdue, a step past its limit, a
/// refusal without a reason, a long window wait, too many visits, a fee off the standard.
/// Ratings and marks are judged where they arrive (RatingJudgement). Pure: an event and the
/// timer reach the same verdict at the same instant.
enum CaseRules {
  struct Finding: Equatable {
    var code: String
    var summary: String
  }

  /// What the rules that are on find on `kase` at `instant`, and when a step limit still to
  /// come falls.
  static func findings(
    _ kase: SupervisedCase, refusalReason: String?, at instant: Date, book: RuleBook,
    calendar: WorkingCalendar
  ) throws -> (findings: [Finding], next: Date?) {
    let steps =
      book.enabled(RuleBook.Code.stepOverdue) == nil
      ? nil : try stepOverdue(kase, at: instant, book: book, calendar: calendar)
    let found = [
      overdue(kase),
      steps?.finding,
      refusalWithoutReason(kase, refusalReason),
      windowWait(kase, book: book),
      excessVisits(kase),
      feeNotPerStandard(kase),
    ].compactMap { $0 }.filter { book.enabled($0.code) != nil }
    return (found, steps?.next)
  }

  /// OVERDUE: the case earned its red card.
  static func overdue(_ kase: SupervisedCase) -> Finding? {
    guard kase.hasRedCardTime else { return nil }
    let onTheSpot =
      kase.caseKind == .onTheSpot ? " (an on-the-spot item not finished the same day)" : ""
    return Finding(
      code: RuleBook.Code.overdue,
      summary: "past its due time \(Self.text(kase.dueTime.date))" + onTheSpot)
  }

  /// STEP_OVERDUE: the first step that took or is taking longer than its limit, and the
  /// instant a pending step's limit passes, for the timer.
  static func stepOverdue(
    _ kase: SupervisedCase, at instant: Date, book: RuleBook, calendar: WorkingCalendar
  ) throws -> (finding: Finding?, next: Date?) {
    var next: Date?
    for step in try steps(kase, book: book, calendar: calendar) {
      let late: Bool
      if let end = step.end {
        late = end > step.limit
      } else if step.pending {
        late = instant > step.limit
        // A second past the limit, so that a check exactly at it finds it late.
        let check = step.limit.addingTimeInterval(1)
        if !late { next = min(next ?? check, check) }
      } else {
        late = false
      }
      if late {
        let finding = Finding(
          code: RuleBook.Code.stepOverdue,
          summary:
            "\(step.name) took longer than \(step.days) working days (limit \(Self.text(step.limit)))"
        )
        return (finding, next)
      }
    }
    return (nil, next)
  }

  /// REFUSAL_WITHOUT_REASON: a refusal or a denial whose source gave no reason.
  static func refusalWithoutReason(_ kase: SupervisedCase, _ reason: String?) -> Finding? {
    guard let reason, kase.state == IntakeState.refused || kase.state == IntakeState.denied,
      reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    else { return nil }
    return Finding(
      code: RuleBook.Code.refusalWithoutReason,
      summary: kase.state == IntakeState.refused
        ? "refused with no reason" : "denied with no reason"
    )
  }

  /// WINDOW_WAIT: the applicant waited at the window longer than the rule allows.
  static func windowWait(_ kase: SupervisedCase, book: RuleBook) -> Finding? {
    let maxWait = book.parameter(RuleBook.Code.windowWait, "max_wait_minutes") * 60
    guard kase.waitSeconds > maxWait else { return nil }
    return Finding(
      code: RuleBook.Code.windowWait,
      summary: "waited \(kase.waitSeconds / 60) minutes at the window (limit \(maxWait / 60))")
  }

  /// EXCESS_VISITS: more visits than the item promises [最多跑一次].
  static func excessVisits(_ kase: SupervisedCase) -> Finding? {
    guard kase.visits > kase.maxVisits else { return nil }
    return Finding(
      code: RuleBook.Code.excessVisits,
      summary: "\(kase.visits) visits; the item promises at most \(kase.maxVisits)")
  }

  /// FEE_NOT_PER_STANDARD: charged other than the standard.
  static func feeNotPerStandard(_ kase: SupervisedCase) -> Finding? {
    guard kase.feeChargedFen != kase.feeStandardFen else { return nil }
    return Finding(
      code: RuleBook.Code.feeNotPerStandard,
      summary: "charged \(kase.feeChargedFen) fen; the standard is \(kase.feeStandardFen) fen")
  }

  struct Step {
    var name: String
    var days: Int
    var limit: Date
    var end: Date?
    /// The case is at this step now.
    var pending: Bool
  }

  /// The handling steps with limits of their own: acceptance (received → accepted, refused or
  /// told to correct) and delivery (approved → delivered).
  static func steps(_ kase: SupervisedCase, book: RuleBook, calendar: WorkingCalendar) throws
    -> [Step]
  {
    var steps: [Step] = []
    let acceptanceDays = Int(book.parameter(RuleBook.Code.stepOverdue, "acceptance_working_days"))
    if kase.hasReceiveTime {
      let end = kase.timeline.first { $0.state != IntakeState.received }?.time.date
      let limit = try calendar.dueTime(after: acceptanceDays, from: kase.receiveTime.date)
      steps.append(
        Step(
          name: "acceptance", days: acceptanceDays, limit: limit, end: end,
          pending: end == nil && kase.open && kase.state == IntakeState.received))
    }
    if let approval = kase.timeline.first(where: { $0.state == IntakeState.approved })?.time.date {
      let days = Int(book.parameter(RuleBook.Code.stepOverdue, "delivery_working_days"))
      let end = kase.timeline.first { $0.state == IntakeState.delivered }?.time.date
      let limit = try calendar.dueTime(after: days, from: approval)
      steps.append(
        Step(
          name: "delivery", days: days, limit: limit, end: end,
          pending: end == nil && [IntakeState.approved, IntakeState.issued].contains(kase.state)))
    }
    return steps
  }

  /// An instant as the findings write it: China Standard Time, to the second.
  static func text(_ date: Date) -> String {
    date.formatted(
      Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 8 * 3600)!).year().month().day()
        .time(includingFractionalSeconds: false).timeSeparator(.colon).dateTimeSeparator(.space))
  }
}
