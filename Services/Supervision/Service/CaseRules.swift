import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// The rules that judge a case from its own record (SUP-3): overdue, a step past its limit, a
/// refusal without a reason, a long window wait, too many visits, a fee off the standard.
/// Ratings and marks are judged where they arrive (RatingReplica). Pure: an event and the
/// timer reach the same verdict at the same instant.
enum CaseRules {
  typealias Case = Hall_Supervision_V1_SupervisedCase

  struct Finding: Equatable {
    var code: String
    var summary: String
  }

  /// Intake's CaseState numbers the rules look at.
  enum State {
    static let received: Int32 = 1
    static let refused: Int32 = 4
    static let correctionRequested: Int32 = 6
    static let approved: Int32 = 11
    static let denied: Int32 = 13
    static let issued: Int32 = 20
    static let delivered: Int32 = 21
  }

  /// What the rules find on `kase` at `instant`, and when a step limit still to come falls.
  static func findings(
    _ kase: Case, refusalReason: String?, at instant: Date, rules: RuleBook,
    calendar: WorkingCalendar
  ) throws -> (findings: [Finding], next: Date?) {
    var found: [Finding] = []
    var next: Date?
    if rules.enabled(RuleBook.Code.overdue) != nil, kase.hasRedCardTime {
      found.append(
        Finding(
          code: RuleBook.Code.overdue,
          summary: "past its due time \(Self.text(kase.dueTime.date))"
            + (kase.caseKind == .onTheSpot
              ? " (an on-the-spot item not finished the same day)" : "")))
    }
    if rules.enabled(RuleBook.Code.stepOverdue) != nil {
      for step in try steps(kase, rules: rules, calendar: calendar) {
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
          found.append(
            Finding(
              code: RuleBook.Code.stepOverdue,
              summary:
                "\(step.name) took longer than \(step.days) working days (limit \(Self.text(step.limit)))"
            ))
          break
        }
      }
    }
    if rules.enabled(RuleBook.Code.refusalWithoutReason) != nil, let refusalReason,
      kase.state == State.refused || kase.state == State.denied,
      refusalReason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    {
      found.append(
        Finding(
          code: RuleBook.Code.refusalWithoutReason,
          summary: kase.state == State.refused ? "refused with no reason" : "denied with no reason")
      )
    }
    let maxWait = rules.parameter(RuleBook.Code.windowWait, "max_wait_minutes") * 60
    if rules.enabled(RuleBook.Code.windowWait) != nil, kase.waitSeconds > maxWait {
      found.append(
        Finding(
          code: RuleBook.Code.windowWait,
          summary: "waited \(kase.waitSeconds / 60) minutes at the window (limit \(maxWait / 60))"))
    }
    if rules.enabled(RuleBook.Code.excessVisits) != nil, kase.visits > kase.maxVisits {
      found.append(
        Finding(
          code: RuleBook.Code.excessVisits,
          summary: "\(kase.visits) visits; the item promises at most \(kase.maxVisits)"))
    }
    if rules.enabled(RuleBook.Code.feeNotPerStandard) != nil,
      kase.feeChargedFen != kase.feeStandardFen
    {
      found.append(
        Finding(
          code: RuleBook.Code.feeNotPerStandard,
          summary: "charged \(kase.feeChargedFen) fen; the standard is \(kase.feeStandardFen) fen"))
    }
    return (found, next)
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
  static func steps(_ kase: Case, rules: RuleBook, calendar: WorkingCalendar) throws -> [Step] {
    var steps: [Step] = []
    let acceptanceDays = Int(rules.parameter(RuleBook.Code.stepOverdue, "acceptance_working_days"))
    if kase.hasReceiveTime {
      let end = kase.timeline.first { $0.state != State.received }?.time.date
      let limit = try calendar.dueTime(after: acceptanceDays, from: kase.receiveTime.date)
      steps.append(
        Step(
          name: "acceptance", days: acceptanceDays, limit: limit, end: end,
          pending: end == nil && kase.open && kase.state == State.received))
    }
    if let approval = kase.timeline.first(where: { $0.state == State.approved })?.time.date {
      let days = Int(rules.parameter(RuleBook.Code.stepOverdue, "delivery_working_days"))
      let end = kase.timeline.first { $0.state == State.delivered }?.time.date
      let limit = try calendar.dueTime(after: days, from: approval)
      steps.append(
        Step(
          name: "delivery", days: days, limit: limit, end: end,
          pending: end == nil && [State.approved, State.issued].contains(kase.state)))
    }
    return steps
  }

  static func text(_ date: Date) -> String {
    date.formatted(
      Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 8 * 3600)!).year().month().day()
        .time(includingFractionalSeconds: false).timeSeparator(.colon).dateTimeSeparator(.space))
  }
}
