import Foundation
import GRPCCore
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// Figures (SUP-7) and the monthly report (SUP-8), read from the per-day counters
/// (``Figures``) and scored by the model in force (``ScoreModels``).
extension SupervisionHandlers {
  func getFigures(request: GetFiguresRequest, context: ServerContext) async throws
    -> GetFiguresResponse
  {
    let from = try Days.civil(request.from, field: "from")
    let to = try Days.civil(request.to, field: "to")
    guard from < to, from.days(until: to) <= 366 else {
      throw ServiceError.invalidArgument(
        field: "to", message: "must be after from, at most 366 days later")
    }
    let selection = FigureStore.Selection(
      grouping: request.grouping == .unspecified ? .department : request.grouping, from: from,
      to: to, department: try Caller.visibleDepartment(asked: request.departmentID),
      region: try Caller.visibleRegion(asked: request.regionCode))
    let rows = try await service.read { try await Self.figures(selection, on: $0) }
    return .with { $0.rows = rows }
  }

  func getMonthlyReport(request: GetMonthlyReportRequest, context: ServerContext) async throws
    -> GetMonthlyReportResponse
  {
    let (first, next) = try Self.month(request.month)
    let grouping = request.grouping == .unspecified ? .department : request.grouping
    guard grouping == .department || grouping == .region else {
      throw ServiceError.invalidArgument(field: "grouping", message: "must be DEPARTMENT or REGION")
    }
    return try await service.read { db in
      let model = try await ScoreModelStore(db: db).current()
      let rows = try await Self.figures(.init(grouping: grouping, from: first, to: next), on: db)
      let total = try await Self.figures(
        .init(grouping: .deployment, from: first, to: next), on: db)
      return .with {
        $0.month = String(format: "%04d-%02d", first.year, first.month)
        $0.model = model
        $0.lines = ScoreModels.rankedLines(rows, by: model)
        $0.total = total.first ?? FigureRow()
      }
    }
  }

  /// The first day of a "yyyy-MM" month and the first day of the next.
  static func month(_ text: String) throws(ServiceError) -> (CivilDate, CivilDate) {
    let parts = text.split(separator: "-")
    guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
      let first = try? CivilDate(year: year, month: month, day: 1)
    else {
      throw .invalidArgument(field: "month", message: "must be yyyy-MM, e.g. 2026-11")
    }
    return (first, first.adding(days: CivilDate.daysIn(month: month, year: year)))
  }

  /// The figures of a selection, one row per group with any activity (the deployment
  /// grouping always has its one row), in key order.
  static func figures(_ selection: FigureStore.Selection, on db: Database) async throws
    -> [FigureRow]
  {
    let store = FigureStore(db: db)
    let rows = Figures.rows(
      counters: try await store.counters(selection),
      anomalies: try await store.anomalyCounts(selection), grouping: selection.grouping)
    let names =
      selection.grouping == .department && !rows.isEmpty
      ? try await CatalogReplica(db: db).names(of: Array(rows.keys)) : [:]
    return Figures.finished(rows, names: names)
  }
}
