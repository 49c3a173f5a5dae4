import Foundation
import HallCalendar
import HallContracts
import SwiftProtobuf

/// Checking a case reported by a department's own system (SUP-9, Rules Art. 12–14): each
/// record whole, refused with the first problem its named checks find, or turned into the
/// facts supervision keeps.
struct CaseReports {
  /// Why a record is refused, as ``LineRefusal``'s `problem` names it.
  enum Problem: String, Sendable {
    /// A required field is empty.
    case incomplete = "INCOMPLETE"
    /// A value malformed or out of range.
    case nonCompliant = "NON_COMPLIANT"
    /// A code that does not exist, times out of order, a time ahead of the service's clock.
    case inaccurate = "INACCURATE"
    /// Reported after the cut-off of its newest time, not admitted late by a supervisor.
    case late = "LATE"
    /// The case is known from another source, or stands twice in one batch.
    case duplicate = "DUPLICATE"
  }

  /// A record refused: the problem, the field it is in (empty for the record as a whole) and
  /// what is wrong.
  struct Refusal: Error {
    var problem: Problem
    var field: String
    var message: String

    init(_ problem: Problem, _ field: String, _ message: String) {
      self.problem = problem
      self.field = field
      self.message = message
    }
  }

  /// What a record is checked against of an item in force (the catalog's replica).
  struct Item {
    var name: String
    var departmentID: String
    var maxVisits: Int32
    var feeFen: Int64
  }

  let now: Date
  let rules: SupervisionRules
  let calendar: WorkingCalendar
  /// The region of each department, by id.
  let departments: [String: String]
  let items: [String: Item]
  let admitLate: Bool

  /// The facts of a good record (its source set by the caller), or the first refusal of its
  /// checks, run in this order: complete, compliant, stages complete, known, in order, not
  /// ahead of the clock, on time.
  func check(_ report: CaseReport) throws(Refusal) -> SupervisedCase {
    try Self.complete(report)
    try Self.compliant(report)
    try Self.stagesComplete(report)
    let (region, item) = try known(report)
    let times = Self.stageTimes(report)
    try Self.inOrder(times)
    let newest = try notAhead(times)
    try onTime(newest: newest)
    return Self.facts(of: report, item: item, region: region, newest: newest)
  }

  /// INCOMPLETE: the fields every record needs.
  static func complete(_ report: CaseReport) throws(Refusal) {
    for (field, value) in [
      ("case_number", report.caseNumber), ("item_code", report.itemCode),
      ("department_id", report.departmentID),
    ] where value.isEmpty {
      throw Refusal(.incomplete, field, "is required")
    }
    guard report.state != 0 else { throw Refusal(.incomplete, "state", "is required") }
    guard report.hasReceiveTime else { throw Refusal(.incomplete, "receive_time", "is required") }
    guard report.caseKind != .unspecified else {
      throw Refusal(.incomplete, "case_kind", "is required")
    }
  }

  /// NON_COMPLIANT: each value in its form and range.
  static func compliant(_ report: CaseReport) throws(Refusal) {
    guard report.caseNumber.count <= 50,
      report.caseNumber.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    else {
      throw Refusal(.nonCompliant, "case_number", "must be up to 50 letters, digits and '-'")
    }
    let states = IntakeState.reportable.sorted().map(String.init).joined(separator: ", ")
    guard IntakeState.reportable.contains(report.state) else {
      throw Refusal(.nonCompliant, "state", "\(report.state) is not one of \(states)")
    }
    guard [.onTheSpot, .promised, .other].contains(report.caseKind) else {
      throw Refusal(.nonCompliant, "case_kind", "must be 1, 2 or 9")
    }
    guard (0...365).contains(report.promisedWorkingDays),
      (report.caseKind == .onTheSpot) == (report.promisedWorkingDays == 0)
    else {
      throw Refusal(
        .nonCompliant, "promised_working_days",
        "must be 0 for an on-the-spot item and 1 to 365 otherwise")
    }
    guard
      report.regionCode.isEmpty
        || (report.regionCode.count == 6 && report.regionCode.allSatisfy(\.isNumber))
    else { throw Refusal(.nonCompliant, "region_code", "must be a 6-digit GB/T 2260 code") }
    for (field, value) in [
      ("visits", Int64(report.visits)), ("fee_charged_fen", report.feeChargedFen),
      ("fee_standard_fen", report.feeStandardFen), ("wait_seconds", report.waitSeconds),
    ] where value < 0 {
      throw Refusal(.nonCompliant, field, "must not be negative")
    }
  }

  /// INCOMPLETE: the time of each stage the record's state has passed.
  static func stagesComplete(_ report: CaseReport) throws(Refusal) {
    if report.isAccepted && !report.hasAcceptTime && report.caseKind != .onTheSpot {
      throw Refusal(.incomplete, "accept_time", "is required for state \(report.state)")
    }
    if report.isDecided && !report.hasCompletionTime {
      throw Refusal(.incomplete, "completion_time", "is required for state \(report.state)")
    }
    if report.state == IntakeState.delivered && !report.hasDeliveryTime {
      throw Refusal(.incomplete, "delivery_time", "is required for a delivered case")
    }
  }

  /// INACCURATE: a department and an item of the catalog, the item that department's; the
  /// department's region and the item.
  func known(_ report: CaseReport) throws(Refusal) -> (region: String, item: Item) {
    guard let region = departments[report.departmentID] else {
      throw Refusal(.inaccurate, "department_id", "no department \(report.departmentID)")
    }
    guard let item = items[report.itemCode] else {
      throw Refusal(.inaccurate, "item_code", "no item \(report.itemCode) in the catalog")
    }
    guard item.departmentID == report.departmentID else {
      throw Refusal(
        .inaccurate, "item_code",
        "item \(report.itemCode) belongs to \(item.departmentID), not \(report.departmentID)")
    }
    return (region, item)
  }

  /// The record's stage times in the order the stages come, each with its field.
  static func stageTimes(_ report: CaseReport) -> [(field: String, time: Date)] {
    var times = [(field: "receive_time", time: report.receiveTime.date)]
    if let accept = report.acceptInstant { times.append(("accept_time", accept)) }
    if report.hasCompletionTime { times.append(("completion_time", report.completionTime.date)) }
    if report.hasDeliveryTime { times.append(("delivery_time", report.deliveryTime.date)) }
    return times
  }

  /// INACCURATE: no stage before the one it follows.
  static func inOrder(_ times: [(field: String, time: Date)]) throws(Refusal) {
    for index in times.indices.dropFirst() where times[index].time < times[index - 1].time {
      throw Refusal(
        .inaccurate, times[index].field,
        "is before \(times[index - 1].field): times out of order")
    }
  }

  /// INACCURATE: no time more than 5 minutes ahead of the clock; the newest time.
  func notAhead(_ times: [(field: String, time: Date)]) throws(Refusal) -> Date {
    let newest = times.map(\.time).max() ?? times[0].time
    guard newest <= now.addingTimeInterval(300) else {
      throw Refusal(
        .inaccurate, times.last { $0.time == newest }?.field ?? "receive_time", "is in the future")
    }
    return newest
  }

  /// LATE: reported by the cut-off of its newest time, unless a supervisor admits it late.
  func onTime(newest: Date) throws(Refusal) {
    let cutOff = reportDue(forEventAt: newest)
    if now > cutOff && !admitLate {
      throw Refusal(
        .late, "",
        "reported after the cut-off \(CaseRules.text(cutOff)); a supervisor may admit it late")
    }
  }

  /// Reports are due by the cut-off (17:00) of the working day of the event, or of the
  /// next working day when the event came after the cut-off or on a day off (Rules Art. 12).
  func reportDue(forEventAt instant: Date) -> Date {
    let day = CivilDate(chinaStandardTimeOf: instant)
    if calendar.isWorkingDay(day), instant <= day.instant(at: rules.reportCutOff) {
      return day.instant(at: rules.reportCutOff)
    }
    return calendar.nextWorkingDay(after: day).instant(at: rules.reportCutOff)
  }
}

extension CaseReport {
  /// Past acceptance: any state but received and refused.
  var isAccepted: Bool { ![IntakeState.received, IntakeState.refused].contains(state) }

  /// Decided by the department: approved, denied or delivered.
  var isDecided: Bool {
    [IntakeState.approved, IntakeState.denied, IntakeState.delivered].contains(state)
  }

  /// When it was accepted: as reported, or, for an accepted on-the-spot item reported without
  /// it, when it was received.
  var acceptInstant: Date? {
    hasAcceptTime ? acceptTime.date : (isAccepted ? receiveTime.date : nil)
  }

  /// The reason a refused or denied record gives; nil for other states.
  var refusalReasonGiven: String? {
    [IntakeState.refused, IntakeState.denied].contains(state) ? refusalReason : nil
  }
}
