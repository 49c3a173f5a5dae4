import Foundation
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Raising an anomaly (SUP-3): what it records of its rule, its case and its place, and
/// the end of its appeal window (SUP-5). Only counted anomalies (raised and not removed)
/// count in the figures, and a case with a counted red anomaly is red-carded.
enum Anomalies {
  static func counts(_ state: AnomalyState) -> Bool {
    state == .open || state == .appealed || state == .closed
  }

  /// A new anomaly raised at `time` by `rule` on the case (if any).
  static func raise(
    id: String, rule: Rule, summary: String, evidence: [String], kase: SupervisedCase?,
    time: Date, calendar: WorkingCalendar, rules: SupervisionRules
  ) throws -> Anomaly {
    var anomaly = try Anomaly.with {
      $0.id = id
      $0.ruleCode = rule.code
      $0.category = rule.category
      $0.signal = rule.signal
      $0.state = .open
      $0.raiseTime = .init(date: time)
      $0.summary = summary
      $0.evidence = evidence
      $0.appealDue = try appealDue(raisedAt: time, calendar: calendar, rules: rules)
      $0.updateTime = .init(date: time)
    }
    if let kase { anomaly.place(on: kase) }
    return anomaly
  }

  /// The last day of the appeal window (SUP-5: 10 working days after it was raised).
  static func appealDue(raisedAt time: Date, calendar: WorkingCalendar, rules: SupervisionRules)
    throws -> ContractDate
  {
    Days.proto(
      CivilDate(
        chinaStandardTimeOf: try calendar.dueTime(after: rules.appealWorkingDays, from: time)))
  }
}

extension Anomaly {
  /// Where it happened: the case (if any), its department and region, the hall, window and
  /// member of staff.
  struct Place {
    var caseNumber = ""
    var departmentID: String
    var regionCode: String
    var hallID: String
    var windowID: String
    var staffID: String
  }

  mutating func place(at place: Place) {
    caseNumber = place.caseNumber
    departmentID = place.departmentID
    regionCode = place.regionCode
    hallID = place.hallID
    windowID = place.windowID
    staffID = place.staffID
  }

  mutating func place(on kase: SupervisedCase) {
    place(
      at: Place(
        caseNumber: kase.caseNumber, departmentID: kase.departmentID, regionCode: kase.regionCode,
        hallID: kase.hallID, windowID: kase.windowID, staffID: kase.staffID))
  }
}
