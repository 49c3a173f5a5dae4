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

/// Checking a case reported by a department's own system (SUP-9, Rules Art. 12–14): each
/// record whole, refused with the first problem found (incomplete, non-compliant,
/// inaccurate, late or duplicate), or turned into the facts supervision keeps.
struct CaseReports {
  typealias Report = Hall_Supervision_V1_CaseReport
  typealias Refusal = Hall_Supervision_V1_LineRefusal

  struct Item {
    var name: String
    var departmentID: String
    var caseKind: Int
    var maxVisits: Int32
    var feeFen: Int64
  }

  /// The CSV columns, in the order exports write them.
  static let columns = [
    "case_number", "item_code", "department_id", "region_code", "hall_id", "window_id",
    "staff_id", "state", "case_kind", "promised_working_days", "receive_time", "accept_time",
    "completion_time", "delivery_time", "refusal_reason", "visits", "fee_charged_fen",
    "fee_standard_fen", "wait_seconds",
  ]
  /// What exports add after `columns`; an import ignores them, so an export reads back.
  static let exportColumns = [
    "source", "timeliness", "due_time", "yellow_card_time", "red_card_time",
  ]
  static let states: Set<Int32> = [
    IntakeState.received, IntakeState.accepted, IntakeState.refused, IntakeState.approved,
    IntakeState.denied, IntakeState.withdrawn, IntakeState.delivered,
  ]

  let now: Date
  let policy: SupervisionPolicy
  let calendar: WorkingCalendar
  let departments: [String: String]
  let items: [String: Item]
  let admitLate: Bool

  struct Failure: Error {
    var problem: String
    var field: String
    var message: String
  }

  /// The facts of a good record (its source set by the caller), or why it is refused.
  func check(_ report: Report) throws(Failure) -> Hall_Supervision_V1_SupervisedCase {
    func fail(_ problem: String, _ field: String, _ message: String) -> Failure {
      Failure(problem: problem, field: field, message: message)
    }
    for (field, value) in [
      ("case_number", report.caseNumber), ("item_code", report.itemCode),
      ("department_id", report.departmentID),
    ] where value.isEmpty {
      throw fail("INCOMPLETE", field, "is required")
    }
    guard report.state != 0 else { throw fail("INCOMPLETE", "state", "is required") }
    guard report.hasReceiveTime else { throw fail("INCOMPLETE", "receive_time", "is required") }
    guard report.caseKind != .unspecified else {
      throw fail("INCOMPLETE", "case_kind", "is required")
    }
    guard report.caseNumber.count <= 50,
      report.caseNumber.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    else {
      throw fail("NON_COMPLIANT", "case_number", "must be up to 50 letters, digits and '-'")
    }
    guard Self.states.contains(report.state) else {
      throw fail(
        "NON_COMPLIANT", "state",
        "\(report.state) is not one of \(Self.states.sorted().map(String.init).joined(separator: ", "))"
      )
    }
    guard [.onTheSpot, .promised, .other].contains(report.caseKind) else {
      throw fail("NON_COMPLIANT", "case_kind", "must be 1, 2 or 9")
    }
    let onTheSpot = report.caseKind == .onTheSpot
    guard (0...365).contains(report.promisedWorkingDays),
      onTheSpot == (report.promisedWorkingDays == 0)
    else {
      throw fail(
        "NON_COMPLIANT", "promised_working_days",
        "must be 0 for an on-the-spot item and 1 to 365 otherwise")
    }
    guard
      report.regionCode.isEmpty
        || (report.regionCode.count == 6 && report.regionCode.allSatisfy(\.isNumber))
    else { throw fail("NON_COMPLIANT", "region_code", "must be a 6-digit GB/T 2260 code") }
    for (field, value) in [
      ("visits", Int64(report.visits)), ("fee_charged_fen", report.feeChargedFen),
      ("fee_standard_fen", report.feeStandardFen), ("wait_seconds", report.waitSeconds),
    ] where value < 0 {
      throw fail("NON_COMPLIANT", field, "must not be negative")
    }
    let accepted = ![IntakeState.received, IntakeState.refused].contains(report.state)
    let decided = [IntakeState.approved, IntakeState.denied, IntakeState.delivered].contains(
      report.state)
    if accepted && !report.hasAcceptTime && !onTheSpot {
      throw fail("INCOMPLETE", "accept_time", "is required for state \(report.state)")
    }
    if decided && !report.hasCompletionTime {
      throw fail("INCOMPLETE", "completion_time", "is required for state \(report.state)")
    }
    if report.state == IntakeState.delivered && !report.hasDeliveryTime {
      throw fail("INCOMPLETE", "delivery_time", "is required for a delivered case")
    }
    guard let region = departments[report.departmentID] else {
      throw fail("INACCURATE", "department_id", "no department \(report.departmentID)")
    }
    guard let item = items[report.itemCode] else {
      throw fail("INACCURATE", "item_code", "no item \(report.itemCode) in the catalog")
    }
    guard item.departmentID == report.departmentID else {
      throw fail(
        "INACCURATE", "item_code",
        "item \(report.itemCode) belongs to \(item.departmentID), not \(report.departmentID)")
    }
    let receive = report.receiveTime.date
    let accept = report.hasAcceptTime ? report.acceptTime.date : (accepted ? receive : nil)
    var times: [(String, Date)] = [("receive_time", receive)]
    if let accept { times.append(("accept_time", accept)) }
    if report.hasCompletionTime { times.append(("completion_time", report.completionTime.date)) }
    if report.hasDeliveryTime { times.append(("delivery_time", report.deliveryTime.date)) }
    for index in times.indices.dropFirst() where times[index].1 < times[index - 1].1 {
      throw fail(
        "INACCURATE", times[index].0, "is before \(times[index - 1].0): times out of order")
    }
    let newest = times.map(\.1).max() ?? receive
    guard newest <= now.addingTimeInterval(300) else {
      throw fail(
        "INACCURATE", times.last { $0.1 == newest }?.0 ?? "receive_time", "is in the future")
    }
    let cutOff = reportDue(forEventAt: newest)
    if now > cutOff && !admitLate {
      throw fail(
        "LATE", "",
        "reported after the cut-off \(CaseRules.text(cutOff)); a supervisor may admit it late")
    }
    return .with {
      $0.caseNumber = report.caseNumber
      $0.itemCode = report.itemCode
      $0.itemName = item.name
      $0.departmentID = report.departmentID
      $0.regionCode = report.regionCode.isEmpty ? region : report.regionCode
      $0.hallID = report.hallID
      $0.windowID = report.windowID
      $0.staffID = report.staffID
      $0.state = report.state
      $0.caseKind = report.caseKind
      $0.promisedWorkingDays = report.promisedWorkingDays
      $0.receiveTime = report.receiveTime
      if let accept { $0.acceptTime = .init(date: accept) }
      if report.hasCompletionTime { $0.completionTime = report.completionTime }
      $0.open = !decided && ![IntakeState.refused, IntakeState.withdrawn].contains(report.state)
      $0.visits = report.visits
      $0.maxVisits = item.maxVisits
      $0.feeChargedFen = report.feeChargedFen
      // Without a standard in the record, a fee charged is held to the item's.
      $0.feeStandardFen =
        report.feeStandardFen == 0 && report.feeChargedFen > 0 ? item.feeFen : report.feeStandardFen
      $0.waitSeconds = report.waitSeconds
      var timeline: [Hall_Supervision_V1_TimelineEntry] = [
        .with {
          $0.time = report.receiveTime
          $0.action = "received"
          $0.state = IntakeState.received
        }
      ]
      if let accept, report.state != IntakeState.refused {
        timeline.append(
          .with {
            $0.time = .init(date: accept)
            $0.action = "accepted"
            $0.state = IntakeState.accepted
          })
      }
      if report.state == IntakeState.refused || report.state == IntakeState.withdrawn {
        timeline.append(
          .with {
            $0.time = .init(date: newest)
            $0.action = report.state == IntakeState.refused ? "refused" : "withdrawn"
            $0.state = report.state
            $0.note = report.refusalReason
          })
      }
      if report.hasCompletionTime {
        timeline.append(
          .with {
            $0.time = report.completionTime
            $0.action = "decided"
            $0.state =
              report.state == IntakeState.denied ? IntakeState.denied : IntakeState.approved
            $0.note = report.refusalReason
          })
      }
      if report.hasDeliveryTime {
        timeline.append(
          .with {
            $0.time = report.deliveryTime
            $0.action = "delivered"
            $0.state = IntakeState.delivered
          })
      }
      $0.timeline = timeline
      $0.updateTime = .init(date: newest)
    }
  }

  /// Reports are due by the cut-off (17:00) of the working day of the event, or of the
  /// next working day when the event came after the cut-off or on a day off (Rules Art. 12).
  func reportDue(forEventAt instant: Date) -> Date {
    let day = CivilDate(chinaStandardTimeOf: instant)
    if calendar.isWorkingDay(day), instant <= day.instant(at: policy.reportCutOff) {
      return day.instant(at: policy.reportCutOff)
    }
    return calendar.nextWorkingDay(after: day).instant(at: policy.reportCutOff)
  }

  /// A CSV line's fields as a report; malformed values are refused with their column.
  static func report(from fields: [String: String]) throws(Failure) -> Report {
    var report = Report()
    func text(_ name: String) -> String {
      (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
    }
    func integer(_ name: String) throws(Failure) -> Int64 {
      let value = text(name)
      guard !value.isEmpty else { return 0 }
      guard let number = Int64(value) else {
        throw Failure(
          problem: "NON_COMPLIANT", field: name, message: "\(value) is not a whole number")
      }
      return number
    }
    func time(_ name: String) throws(Failure) -> Google_Protobuf_Timestamp? {
      let value = text(name)
      guard !value.isEmpty else { return nil }
      guard let date = Self.parseTime(value) else {
        throw Failure(
          problem: "NON_COMPLIANT", field: name,
          message: "\(value) is not an RFC 3339 time such as 2026-11-02T09:30:00+08:00")
      }
      return .init(date: date)
    }
    report.caseNumber = text("case_number")
    report.itemCode = text("item_code")
    report.departmentID = text("department_id")
    report.regionCode = text("region_code")
    report.hallID = text("hall_id")
    report.windowID = text("window_id")
    report.staffID = text("staff_id")
    guard let state = Int32(exactly: try integer("state")) else {
      throw Failure(problem: "NON_COMPLIANT", field: "state", message: "is out of range")
    }
    report.state = state
    let kind = try integer("case_kind")
    report.caseKind = Hall_Common_V1_CaseKind(rawValue: Int(kind)) ?? .UNRECOGNIZED(Int(kind))
    report.promisedWorkingDays = Int32(clamping: try integer("promised_working_days"))
    if let value = try time("receive_time") { report.receiveTime = value }
    if let value = try time("accept_time") { report.acceptTime = value }
    if let value = try time("completion_time") { report.completionTime = value }
    if let value = try time("delivery_time") { report.deliveryTime = value }
    report.refusalReason = text("refusal_reason")
    report.visits = Int32(clamping: try integer("visits"))
    report.feeChargedFen = try integer("fee_charged_fen")
    report.feeStandardFen = try integer("fee_standard_fen")
    report.waitSeconds = try integer("wait_seconds")
    return report
  }

  static func parseTime(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
  }

  static func formatTime(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
    return formatter.string(from: date)
  }
}
