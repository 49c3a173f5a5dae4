import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// Data reporting (SUP-9): departments' own systems report cases through the API and by CSV
/// file; each record is checked on its own (``CaseReports``), the good ones kept and counted
/// like live ones, the bad ones refused with the reason. Cases and anomalies export as CSV.
extension SupervisionHandlers {
  func reportCases(request: ReportCasesRequest, context: ServerContext) async throws
    -> ReportCasesResponse
  {
    guard !request.cases.isEmpty, request.cases.count <= 1000 else {
      throw ServiceError.invalidArgument(field: "cases", message: "must hold 1 to 1000 records")
    }
    let lines = request.cases.enumerated().map {
      CaseReports.Line(number: $0.offset + 1, report: .success($0.element))
    }
    return try await report(lines, request.requestID, context, .api, admitLate: request.admitLate)
  }

  func importCases(request: ImportCasesRequest, context: ServerContext) async throws
    -> ReportCasesResponse
  {
    let lines = try CaseReports.lines(fromCSV: request.csv)
    return try await report(
      lines, request.requestID, context, .file, admitLate: request.admitLate)
  }

  /// Checks and keeps each line in one transaction; a line's refusal leaves the others.
  func report(
    _ lines: [CaseReports.Line], _ requestID: String, _ context: ServerContext,
    _ source: CaseSource, admitLate: Bool
  ) async throws -> ReportCasesResponse {
    let principal = try Self.reporter(of: lines, admitLate: admitLate)
    let method = context.descriptor.method
    return try await service.change(requestID, context) { db in
      let now = service.clock.now
      let catalog = CatalogReplica(db: db)
      let departments = try await catalog.regions()
      let items = try await catalog.itemsInForce()
      let ledger = try await CaseLedger.open(on: db, rules: rules, calendars: service.calendars)
      let reports = CaseReports(
        now: now, rules: rules, calendar: ledger.judge.calendar, departments: departments,
        items: items, admitLate: admitLate)
      var response = ReportCasesResponse()
      var seen: Set<String> = []
      for line in lines {
        let checked: (facts: SupervisedCase, old: StoredCase?, reason: String?)
        do throws(CaseReports.Refusal) {
          checked = try await Self.check(line, reports, seen: &seen, cases: CaseStore(db: db))
        } catch {
          response.refusals.append(Self.refusal(of: line, error))
          continue
        }
        var facts = checked.facts
        facts.source = source
        try await ledger.record(
          facts, old: checked.old, refusalReason: checked.reason,
          evidence: "\(method) \(requestID) line \(line.number) by \(principal.subject)",
          at: now)
        response.accepted += 1
      }
      try await Audit.record(
        method.lowercased(), target: requestID,
        detail: "\(response.accepted) accepted, \(response.refusals.count) refused",
        on: db)
      return Change(response)
    }
  }

  /// The caller, who may report these records: only a supervisor admits late records, and a
  /// department's administrator reports that department's cases only.
  static func reporter(of lines: [CaseReports.Line], admitLate: Bool) throws(ServiceError)
    -> Principal
  {
    let principal = try Caller.required()
    if admitLate, principal.role != .supervisor {
      throw .permissionDenied("only a supervisor admits late records")
    }
    if principal.role == .departmentAdmin {
      // A record naming no department is refused on its own line as incomplete; one naming
      // another department refuses the batch: it is not this caller's to send.
      for case .success(let report) in lines.map(\.report)
      where !report.departmentID.isEmpty && report.departmentID != principal.departmentID {
        throw .permissionDenied(
          "you report your own department's cases, not \(Quote.brief(report.departmentID))'s")
      }
    }
    return principal
  }

  /// A line's facts, the stored case they update and the refusal reason they give, or why
  /// the line is refused: a case twice in the batch, or one intake announced, is a duplicate.
  static func check(
    _ line: CaseReports.Line, _ reports: CaseReports, seen: inout Set<String>, cases: CaseStore
  ) async throws(CaseReports.Refusal) -> (facts: SupervisedCase, old: StoredCase?, reason: String?)
  {
    let report = try line.report.get()
    let facts = try reports.check(report)
    guard seen.insert(report.caseNumber).inserted else {
      throw .init(.duplicate, "case_number", "appears twice")
    }
    let old: StoredCase?
    do {
      old = try await cases.lock(report.caseNumber)
    } catch {
      throw .init(.inaccurate, "case_number", "cannot be read: \(error)")
    }
    if let old, old.kase.source == .feed {
      throw .init(
        .duplicate, "case_number", "case \(report.caseNumber) comes from this deployment's intake")
    }
    return (facts, old, report.refusalReasonGiven)
  }

  static func refusal(of line: CaseReports.Line, _ refusal: CaseReports.Refusal) -> LineRefusal {
    .with {
      $0.line = Int32(line.number)
      $0.caseNumber = (try? line.report.get())?.caseNumber ?? ""
      $0.problem = refusal.problem.rawValue
      $0.field = refusal.field
      $0.message = refusal.message
    }
  }

  func exportCases(request: ExportRequest, context: ServerContext) async throws
    -> ExportResponse
  {
    try await export(request, noun: "cases", csv: Exports.cases) { db, period in
      try await CaseStore(db: db).received(in: period, limit: Exports.maxRows + 1)
    }
  }

  func exportAnomalies(request: ExportRequest, context: ServerContext) async throws
    -> ExportResponse
  {
    try await export(request, noun: "anomalies", csv: Exports.anomalies) { db, period in
      try await AnomalyStore(db: db).raised(in: period, limit: Exports.maxRows + 1)
    }
  }

  /// The records of the period asked for, as CSV: read one past the most an export carries,
  /// and refused when there are more.
  func export<Record: Sendable>(
    _ request: ExportRequest, noun: String, csv: ([Record]) -> String,
    read: (Database, Exports.Period) async throws -> [Record]
  ) async throws -> ExportResponse {
    let period = try Self.period(of: request)
    let records = try await service.read { try await read($0, period) }
    try Exports.check(records.count, noun: noun)
    return .with {
      $0.csv = csv(records)
      $0.rows = Int32(records.count)
    }
  }

  /// The period an export asks for, of the department the caller may see.
  static func period(of request: ExportRequest) throws(ServiceError) -> Exports.Period {
    guard let from = try Listing.start(of: request.from, field: "from") else {
      throw .invalidArgument(field: "from", message: "is required")
    }
    guard let to = try Listing.start(of: request.to, field: "to") else {
      throw .invalidArgument(field: "to", message: "is required")
    }
    guard from < to else { throw .invalidArgument(field: "to", message: "must be after from") }
    return Exports.Period(
      from: from, to: to, department: try Caller.visibleDepartment(asked: request.departmentID))
  }
}
