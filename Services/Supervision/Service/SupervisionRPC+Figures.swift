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

/// Figures (SUP-7) and the monthly report (SUP-8). Every figure is a ratio of the per-day
/// counters (defined in supervision_service.proto) or a count of counted anomalies, so a
/// month for any number of cases adds up at most 31 rows per department.
extension SupervisionRPC {
  typealias FigureRow = Hall_Supervision_V1_FigureRow

  func getFigures(
    request: Hall_Supervision_V1_GetFiguresRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_GetFiguresResponse {
    let from = try Days.civil(request.from, field: "from")
    let to = try Days.civil(request.to, field: "to")
    guard from < to, from.days(until: to) <= 366 else {
      throw ServiceError.invalidArgument(
        field: "to", message: "must be after from, at most 366 days later")
    }
    let grouping = request.grouping == .unspecified ? .department : request.grouping
    let department = try Self.visibleDepartment(asked: request.departmentID)
    let rows = try await figures(
      grouping: grouping, from: from, to: to, department: department, region: request.regionCode)
    return .with { $0.rows = rows }
  }

  func getMonthlyReport(
    request: Hall_Supervision_V1_GetMonthlyReportRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_GetMonthlyReportResponse {
    let parts = request.month.split(separator: "-")
    guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
      let first = try? CivilDate(year: year, month: month, day: 1)
    else {
      throw ServiceError.invalidArgument(field: "month", message: "must be yyyy-MM, e.g. 2026-11")
    }
    let next = first.adding(days: CivilDate.daysIn(month: month, year: year))
    let grouping = request.grouping == .unspecified ? .department : request.grouping
    guard grouping == .department || grouping == .region else {
      throw ServiceError.invalidArgument(field: "grouping", message: "must be DEPARTMENT or REGION")
    }
    let model = try await db.withConnection {
      try await ScoreModels.current(on: $0, logger: logger)
    }
    let rows = try await figures(
      grouping: grouping, from: first, to: next, department: "", region: "")
    let total = try await figures(
      grouping: .deployment, from: first, to: next, department: "", region: "")
    var lines = rows.map { row in
      let points = ScoreModels.points(model, row)
      return Hall_Supervision_V1_ReportLine.with {
        $0.figures = row
        $0.termPoints = points
        $0.score = (points.reduce(0, +) * 100).rounded() / 100
      }
    }
    lines.sort { ($0.score, $1.figures.key) > ($1.score, $0.figures.key) }
    for index in lines.indices {
      lines[index].rank =
        index > 0 && lines[index].score == lines[index - 1].score
        ? lines[index - 1].rank : Int32(index + 1)
    }
    return .with {
      $0.month = String(format: "%04d-%02d", year, month)
      $0.model = model
      $0.lines = lines
      $0.total = total.first ?? FigureRow()
    }
  }

  /// The figures of [from, to) grouped as asked, one row per group with any activity (the
  /// deployment grouping always has its one row).
  func figures(
    grouping: Hall_Supervision_V1_Grouping, from: CivilDate, to: CivilDate, department: String,
    region: String
  ) async throws -> [FigureRow] {
    let key: String
    switch grouping {
    case .deployment: key = "''"
    case .region: key = "region_code"
    default: key = "department_id"
    }
    var sql = PostgresQuery(
      unsafeSQL: """
        SELECT \(key), sum(accepted)::int8, sum(red_carded)::int8, sum(warned)::int8,
          sum(completed)::int8, sum(completed_on_time)::int8, sum(spot_completed)::int8,
          sum(spot_same_day)::int8, sum(rated)::int8, sum(rated_good)::int8
        FROM daily_figures
        WHERE day >= $1 AND day < $2 AND ($3 = '' OR department_id = $3)
          AND ($4 = '' OR region_code = $4)
        GROUP BY 1
        """)
    sql.binds.append(from.dayNumber, context: .default)
    sql.binds.append(to.dayNumber, context: .default)
    sql.binds.append(department, context: .default)
    sql.binds.append(region, context: .default)
    var rows: [String: FigureRow] = [:]
    for try await (group, accepted, red, warned, completed, onTime, spot, sameDay, rated, good)
      in try await db.query(sql, logger: logger).decode(
        (String, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
    {
      rows[group] = .with {
        $0.key = group
        $0.acceptedCases = accepted
        $0.redCardedCases = red
        $0.warnedCases = warned
        $0.completedCases = completed
        $0.completedOnTime = onTime
        $0.onTheSpotCompleted = spot
        $0.onTheSpotSameDay = sameDay
        $0.ratings = rated
        $0.goodRatings = good
      }
    }
    var anomalies = PostgresQuery(
      unsafeSQL: """
        SELECT \(key), rule_code, category, count(*)::int8 FROM anomalies
        WHERE counted AND raise_day >= $1 AND raise_day < $2
          AND ($3 = '' OR department_id = $3) AND ($4 = '' OR region_code = $4)
        GROUP BY 1, 2, 3
        """)
    anomalies.binds = sql.binds
    for try await (group, rule, category, count) in try await db.query(anomalies, logger: logger)
      .decode((String, String, Int16, Int64).self)
    {
      var row = rows[group] ?? FigureRow.with { $0.key = group }
      row.anomaliesByRule[rule, default: 0] += count
      let name =
        Hall_Supervision_V1_RuleCategory(rawValue: Int(category))
        .map { "\($0)".uppercased() } ?? "\(category)"
      row.anomaliesByCategory[name, default: 0] += count
      row.anomalies += count
      rows[group] = row
    }
    if grouping == .deployment, rows.isEmpty { rows[""] = FigureRow() }
    var names: [String: String] = [:]
    if grouping == .department, !rows.isEmpty {
      for try await (id, name) in try await db.query(
        "SELECT id, name FROM departments WHERE id = ANY(\(Array(rows.keys)))", logger: logger
      ).decode((String, String).self) {
        names[id] = name
      }
    }
    return rows.values.map { row in
      var row = row
      row.name = names[row.key] ?? ""
      row.redCardRateBp = Self.rate(row.redCardedCases, row.acceptedCases, empty: 0)
      row.onTimeRateBp = Self.rate(row.completedOnTime, row.completedCases)
      row.sameDayRateBp = Self.rate(row.onTheSpotSameDay, row.onTheSpotCompleted)
      row.satisfactionRateBp = Self.rate(row.goodRatings, row.ratings)
      return row
    }.sorted { $0.key < $1.key }
  }

  /// part / whole in basis points (``BasisPoints``); `empty` when there is nothing to measure.
  static func rate(_ part: Int64, _ whole: Int64, empty: Int32 = 10_000) -> Int32 {
    BasisPoints.of(part, whole, whenNone: empty)
  }
}
