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

/// Data reporting (SUP-9): departments' own systems report cases through the API and by CSV
/// file; each record is checked on its own, the good ones kept and counted like live ones,
/// the bad ones refused with the reason. Cases and anomalies export as CSV.
extension SupervisionRPC {
  static let maxReportLines = 50_000
  static let maxExportRows = 200_000

  func reportCases(
    request: Hall_Supervision_V1_ReportCasesRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ReportCasesResponse {
    guard !request.cases.isEmpty, request.cases.count <= 1000 else {
      throw ServiceError.invalidArgument(field: "cases", message: "must hold 1 to 1000 records")
    }
    let lines = request.cases.enumerated().map {
      (
        line: $0.offset + 1,
        report: Result<CaseReports.Report, CaseReports.Failure>.success($0.element)
      )
    }
    return try await report(lines, request.requestID, "ReportCases", .api, request.admitLate)
  }

  func importCases(
    request: Hall_Supervision_V1_ImportCasesRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ReportCasesResponse {
    let records: [[String]]
    do {
      records = try CSV.parse(request.csv)
    } catch {
      throw ServiceError.invalidArgument(
        field: "csv", message: "line \(error.line): \(error.message)")
    }
    guard let header = records.first else {
      throw ServiceError.invalidArgument(field: "csv", message: "is empty: a header line is needed")
    }
    let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
    if let unknown = names.first(where: {
      !CaseReports.columns.contains($0) && !CaseReports.exportColumns.contains($0)
    }) {
      throw ServiceError.invalidArgument(
        field: "csv",
        message:
          "unknown column \(unknown); columns: \(CaseReports.columns.joined(separator: ", "))")
    }
    guard Set(names).count == names.count else {
      throw ServiceError.invalidArgument(field: "csv", message: "a column is named twice")
    }
    guard records.count > 1, records.count <= Self.maxReportLines + 1 else {
      throw ServiceError.invalidArgument(
        field: "csv", message: "must hold 1 to \(Self.maxReportLines) lines after the header")
    }
    let lines = records.enumerated().dropFirst().filter { !$0.element.allSatisfy(\.isEmpty) }.map {
      index, fields in
      let result: Result<CaseReports.Report, CaseReports.Failure>
      if fields.count != names.count {
        result = .failure(
          .init(
            problem: "NON_COMPLIANT", field: "",
            message: "has \(fields.count) fields; the header names \(names.count)"))
      } else {
        result = Result { () throws(CaseReports.Failure) in
          try CaseReports.report(from: Dictionary(uniqueKeysWithValues: zip(names, fields)))
        }
      }
      return (line: index + 1, report: result)
    }
    return try await report(lines, request.requestID, "ImportCases", .file, request.admitLate)
  }

  /// Checks and keeps each line in one transaction; a line's refusal leaves the others.
  func report(
    _ lines: [(line: Int, report: Result<CaseReports.Report, CaseReports.Failure>)],
    _ requestID: String, _ method: String, _ source: Hall_Supervision_V1_CaseSource,
    _ admitLate: Bool
  ) async throws -> Hall_Supervision_V1_ReportCasesResponse {
    let principal = try Self.caller
    if admitLate, principal.role != .supervisor {
      throw ServiceError.permissionDenied("only a supervisor admits late records")
    }
    if principal.role == .departmentAdmin {
      // A record naming no department is refused on its own line as incomplete, below; one
      // naming another department refuses the batch: it is not this caller's to send.
      for case .success(let report) in lines.map(\.report)
      where !report.departmentID.isEmpty && report.departmentID != principal.departmentID {
        throw ServiceError.permissionDenied(
          "you report your own department's cases, not \(Quote.brief(report.departmentID))'s")
      }
    }
    return try await once(requestID, method) { connection in
      let now = clock.now
      var departments: [String: String] = [:]
      for try await (id, region) in try await connection.query(
        "SELECT id, region_code FROM departments", logger: logger
      ).decode((String, String).self) {
        departments[id] = region
      }
      var items: [String: CaseReports.Item] = [:]
      for try await (code, name, department, kind, visits, fee) in try await connection.query(
        """
        SELECT item_code, name, department_id, case_kind, max_visits, fee_fen FROM items
        WHERE NOT cancelled
        """, logger: logger
      ).decode((String, String, String, Int16, Int32, Int64).self) {
        items[code] = .init(
          name: name, departmentID: department, caseKind: Int(kind), maxVisits: visits,
          feeFen: fee)
      }
      let ledger = try await CaseLedger.prepare(
        policy: policy, calendars: calendars, on: connection, logger: logger)
      let checker = CaseReports(
        now: now, policy: policy, calendar: ledger.calendar, departments: departments,
        items: items, admitLate: admitLate)
      var response = Hall_Supervision_V1_ReportCasesResponse()
      var seen: Set<String> = []
      for (line, result) in lines {
        var caseNumber = ""
        let facts: Hall_Supervision_V1_SupervisedCase
        let old: CaseLedger.Stored?
        let refusalReason: String?
        do throws(CaseReports.Failure) {
          let report = try result.get()
          caseNumber = report.caseNumber
          facts = try checker.check(report)
          guard seen.insert(report.caseNumber).inserted else {
            throw .init(problem: "DUPLICATE", field: "case_number", message: "appears twice")
          }
          old = try await Self.unlessFeed(report.caseNumber, ledger, connection)
          refusalReason =
            [IntakeState.refused, IntakeState.denied].contains(report.state)
            ? report.refusalReason : nil
        } catch {
          response.refusals.append(
            .with {
              $0.line = Int32(line)
              $0.caseNumber = caseNumber
              $0.problem = error.problem
              $0.field = error.field
              $0.message = error.message
            })
          continue
        }
        var sourced = facts
        sourced.source = source
        try await ledger.record(
          sourced, old: old, refusalReason: refusalReason,
          evidence: "\(method) \(requestID) line \(line) by \(principal.subject)", at: now,
          on: connection)
        response.accepted += 1
      }
      try await Audit.record(
        method.lowercased(), target: requestID,
        detail: "\(response.accepted) accepted, \(response.refusals.count) refused",
        on: connection, logger: logger)
      return response
    }
  }

  /// The stored case a report updates; a case intake announced is intake's to tell.
  static func unlessFeed(
    _ caseNumber: String, _ ledger: CaseLedger, _ connection: PostgresConnection
  ) async throws(CaseReports.Failure) -> CaseLedger.Stored? {
    let old: CaseLedger.Stored?
    do {
      old = try await CaseLedger.load(caseNumber, on: connection, logger: ledger.logger)
    } catch {
      throw .init(problem: "INACCURATE", field: "case_number", message: "cannot be read: \(error)")
    }
    if let old, old.kase.source == .feed {
      throw .init(
        problem: "DUPLICATE", field: "case_number",
        message: "case \(caseNumber) comes from this deployment's intake")
    }
    return old
  }

  func exportCases(
    request: Hall_Supervision_V1_ExportRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ExportResponse {
    let (from, to, department) = try exportRange(request)
    let bodies = try await exportBodies(
      """
      SELECT body FROM cases
      WHERE receive_time >= \(from) AND receive_time < \(to)
        AND (\(department) = '' OR department_id = \(department))
      ORDER BY receive_time, case_number LIMIT \(Self.maxExportRows + 1)
      """, noun: "cases")
    var csv = CSV.line(CaseReports.columns + CaseReports.exportColumns)
    for body in bodies {
      let kase = try Hall_Supervision_V1_SupervisedCase(bytea: body)
      func time(_ set: Bool, _ stamp: Google_Protobuf_Timestamp) -> String {
        set ? CaseReports.formatTime(stamp.date) : ""
      }
      let delivery = kase.timeline.first { $0.state == IntakeState.delivered }
      let reason =
        kase.timeline.last { $0.state == IntakeState.refused || $0.state == IntakeState.denied }?
        .note ?? ""
      csv += CSV.line([
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
      ])
    }
    return .with {
      $0.csv = csv
      $0.rows = Int32(bodies.count)
    }
  }

  func exportAnomalies(
    request: Hall_Supervision_V1_ExportRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ExportResponse {
    let (from, to, department) = try exportRange(request)
    let bodies = try await exportBodies(
      """
      SELECT body FROM anomalies
      WHERE raise_time >= \(from) AND raise_time < \(to)
        AND (\(department) = '' OR department_id = \(department))
      ORDER BY raise_time, id LIMIT \(Self.maxExportRows + 1)
      """, noun: "anomalies")
    var csv = CSV.line([
      "id", "rule_code", "category", "signal", "state", "case_number", "department_id",
      "region_code", "hall_id", "window_id", "staff_id", "raise_time", "summary", "appeal",
      "follow_ups",
    ])
    for body in bodies {
      let anomaly = try Hall_Supervision_V1_Anomaly(bytea: body)
      let appeal =
        !anomaly.hasAppeal
        ? "" : anomaly.appeal.decided ? (anomaly.appeal.upheld ? "upheld" : "rejected") : "pending"
      csv += CSV.line([
        anomaly.id, anomaly.ruleCode, CSV.name(anomaly.category), CSV.name(anomaly.signal),
        CSV.name(anomaly.state), anomaly.caseNumber, anomaly.departmentID, anomaly.regionCode,
        anomaly.hallID, anomaly.windowID, anomaly.staffID,
        CaseReports.formatTime(anomaly.raiseTime.date), anomaly.summary, appeal,
        anomaly.followUps.map { CSV.name($0.kind) }.joined(separator: " "),
      ])
    }
    return .with {
      $0.csv = csv
      $0.rows = Int32(bodies.count)
    }
  }

  /// The stored bodies `query` reads (it asks for one row past the limit), or the advice to
  /// narrow the export when there are more than an export carries.
  func exportBodies(_ query: PostgresQuery, noun: String) async throws -> [ByteBuffer] {
    let rows = try await db.query(query, logger: logger).collect()
    guard rows.count <= Self.maxExportRows else {
      throw ServiceError.failedPrecondition(
        "more than \(Self.maxExportRows) \(noun): export a shorter period or one department")
    }
    return try rows.map { try $0.decode(ByteBuffer.self) }
  }

  func exportRange(_ request: Hall_Supervision_V1_ExportRequest) throws -> (Date, Date, String) {
    guard let from = try Self.instant(request.from, field: "from") else {
      throw ServiceError.invalidArgument(field: "from", message: "is required")
    }
    guard let to = try Self.instant(request.to, field: "to") else {
      throw ServiceError.invalidArgument(field: "to", message: "is required")
    }
    guard from < to else {
      throw ServiceError.invalidArgument(field: "to", message: "must be after from")
    }
    return (from, to, try Self.visibleDepartment(asked: request.departmentID))
  }
}
