import Foundation
import HallContracts
import HallServer
import SwiftProtobuf

/// Cases and anomalies as CSV (SUP-9): a case's line has the import's columns first, so an
/// export reads back as a report.
enum Exports {
  /// The most rows one export carries; a larger period or department is narrowed.
  static let maxRows = 200_000

  /// The records an export takes: those of [from, to), of one department unless empty.
  struct Period {
    var from: Date
    var to: Date
    var department: String
  }

  /// Stores read one row past the limit: more than an export carries is refused with the
  /// advice to narrow it.
  static func check(_ rows: Int, noun: String) throws(ServiceError) {
    guard rows <= maxRows else {
      throw .failedPrecondition(
        "more than \(maxRows) \(noun): export a shorter period or one department")
    }
  }

  static func cases(_ cases: [SupervisedCase]) -> String {
    var csv = CSV.line(CaseReports.columns + CaseReports.exportColumns)
    for kase in cases { csv += CSV.line(fields(of: kase)) }
    return csv
  }

  static func anomalies(_ anomalies: [Anomaly]) -> String {
    let header = [
      "id", "rule_code", "category", "signal", "state", "case_number", "department_id",
      "region_code", "hall_id", "window_id", "staff_id", "raise_time", "summary", "appeal",
      "follow_ups",
    ]
    var csv = CSV.line(header)
    for anomaly in anomalies { csv += CSV.line(fields(of: anomaly)) }
    return csv
  }

  static func fields(of kase: SupervisedCase) -> [String] {
    func time(_ set: Bool, _ stamp: Google_Protobuf_Timestamp) -> String {
      set ? CaseReports.formatTime(stamp.date) : ""
    }
    let delivery = kase.timeline.first { $0.state == IntakeState.delivered }
    let reason =
      kase.timeline.last { $0.state == IntakeState.refused || $0.state == IntakeState.denied }?
      .note ?? ""
    return [
      kase.caseNumber, kase.itemCode, kase.departmentID, kase.regionCode, kase.hallID,
      kase.windowID, kase.staffID, "\(kase.state)", "\(kase.caseKind.rawValue)",
      "\(kase.promisedWorkingDays)", time(kase.hasReceiveTime, kase.receiveTime),
      time(kase.hasAcceptTime, kase.acceptTime),
      time(kase.hasCompletionTime, kase.completionTime),
      delivery.map { CaseReports.formatTime($0.time.date) } ?? "", reason, "\(kase.visits)",
      "\(kase.feeChargedFen)", "\(kase.feeStandardFen)", "\(kase.waitSeconds)",
      CSV.name(kase.source), CSV.name(kase.timeliness), time(kase.hasDueTime, kase.dueTime),
      time(kase.hasYellowCardTime, kase.yellowCardTime),
      time(kase.hasRedCardTime, kase.redCardTime),
    ]
  }

  static func fields(of anomaly: Anomaly) -> [String] {
    let appeal =
      !anomaly.hasAppeal
      ? "" : anomaly.appeal.decided ? (anomaly.appeal.upheld ? "upheld" : "rejected") : "pending"
    return [
      anomaly.id, anomaly.ruleCode, CSV.name(anomaly.category), CSV.name(anomaly.signal),
      CSV.name(anomaly.state), anomaly.caseNumber, anomaly.departmentID, anomaly.regionCode,
      anomaly.hallID, anomaly.windowID, anomaly.staffID,
      CaseReports.formatTime(anomaly.raiseTime.date), anomaly.summary, appeal,
      anomaly.followUps.map { CSV.name($0.kind) }.joined(separator: " "),
    ]
  }
}
