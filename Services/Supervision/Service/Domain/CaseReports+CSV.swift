import Foundation
import HallContracts
import HallServer
import SwiftProtobuf

/// Reported cases as CSV files (SUP-9): the columns, reading a department's file into
/// records, and the export lines, which read back.
extension CaseReports {
  /// A record as it arrived: its line (CSV: counting the header as line 1) or index, and the
  /// record, or why it could not be read.
  struct Line {
    var number: Int
    var report: Result<CaseReport, Refusal>
  }

  static let maxLines = 50_000

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

  /// The records of a file: a file that cannot be read is refused whole; a line that cannot
  /// be read is refused on its own.
  static func lines(fromCSV csv: String) throws(ServiceError) -> [Line] {
    let records: [[String]]
    do {
      records = try CSV.parse(csv)
    } catch {
      throw .invalidArgument(field: "csv", message: "line \(error.line): \(error.message)")
    }
    let names = try header(records.first)
    guard records.count > 1, records.count <= maxLines + 1 else {
      throw .invalidArgument(
        field: "csv", message: "must hold 1 to \(maxLines) lines after the header")
    }
    return records.enumerated().dropFirst().filter { !$0.element.allSatisfy(\.isEmpty) }.map {
      index, fields in
      guard fields.count == names.count else {
        let refusal = Refusal(
          .nonCompliant, "", "has \(fields.count) fields; the header names \(names.count)")
        return Line(number: index + 1, report: .failure(refusal))
      }
      let report = Result { () throws(Refusal) in
        try Self.report(from: Dictionary(uniqueKeysWithValues: zip(names, fields)))
      }
      return Line(number: index + 1, report: report)
    }
  }

  /// The column names of a header line: each known, none twice.
  static func header(_ record: [String]?) throws(ServiceError) -> [String] {
    guard let record else {
      throw .invalidArgument(field: "csv", message: "is empty: a header line is needed")
    }
    let names = record.map { $0.trimmingCharacters(in: .whitespaces) }
    if let unknown = names.first(where: { !columns.contains($0) && !exportColumns.contains($0) }) {
      throw .invalidArgument(
        field: "csv",
        message: "unknown column \(unknown); columns: \(columns.joined(separator: ", "))")
    }
    guard Set(names).count == names.count else {
      throw .invalidArgument(field: "csv", message: "a column is named twice")
    }
    return names
  }

  /// A CSV line's fields as a report; malformed values are refused with their column.
  static func report(from fields: [String: String]) throws(Refusal) -> CaseReport {
    let line = Fields(fields: fields)
    var report = CaseReport()
    report.caseNumber = line.text("case_number")
    report.itemCode = line.text("item_code")
    report.departmentID = line.text("department_id")
    report.regionCode = line.text("region_code")
    report.hallID = line.text("hall_id")
    report.windowID = line.text("window_id")
    report.staffID = line.text("staff_id")
    guard let state = Int32(exactly: try line.integer("state")) else {
      throw Refusal(.nonCompliant, "state", "is out of range")
    }
    report.state = state
    let kind = try line.integer("case_kind")
    report.caseKind = CaseKind(rawValue: Int(kind)) ?? .UNRECOGNIZED(Int(kind))
    report.promisedWorkingDays = Int32(clamping: try line.integer("promised_working_days"))
    if let value = try line.time("receive_time") { report.receiveTime = value }
    if let value = try line.time("accept_time") { report.acceptTime = value }
    if let value = try line.time("completion_time") { report.completionTime = value }
    if let value = try line.time("delivery_time") { report.deliveryTime = value }
    report.refusalReason = line.text("refusal_reason")
    report.visits = Int32(clamping: try line.integer("visits"))
    report.feeChargedFen = try line.integer("fee_charged_fen")
    report.feeStandardFen = try line.integer("fee_standard_fen")
    report.waitSeconds = try line.integer("wait_seconds")
    return report
  }

  /// One line's fields by column, read as the report's values.
  private struct Fields {
    let fields: [String: String]

    func text(_ name: String) -> String {
      (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
    }

    func integer(_ name: String) throws(Refusal) -> Int64 {
      let value = text(name)
      guard !value.isEmpty else { return 0 }
      guard let number = Int64(value) else {
        throw Refusal(.nonCompliant, name, "\(value) is not a whole number")
      }
      return number
    }

    func time(_ name: String) throws(Refusal) -> Google_Protobuf_Timestamp? {
      let value = text(name)
      guard !value.isEmpty else { return nil }
      guard let date = CaseReports.parseTime(value) else {
        throw Refusal(
          .nonCompliant, name,
          "\(value) is not an RFC 3339 time such as 2026-11-02T09:30:00+08:00")
      }
      return .init(date: date)
    }
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
