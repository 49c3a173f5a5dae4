import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// Attitude and environment marks (RAT-4), and the figures (RAT-5), computed from the data
/// by the definitions written once in rating_service.proto.
extension RatingRPC {
  func recordMark(
    request: Hall_Rating_V1_RecordMarkRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_Mark {
    let principal = try Self.caller
    var mark = request.mark
    switch mark.kind {
    case .attitude: try Text.require(mark.staffID, field: "mark.staff_id", max: 60)
    case .environment: break
    default:
      throw ServiceError.invalidArgument(
        field: "mark.kind", message: "must be ATTITUDE or ENVIRONMENT")
    }
    try Text.require(mark.hallID, field: "mark.hall_id", max: 40)
    try Text.require(mark.evidence, field: "mark.evidence", max: 2000)
    return try await once(request.requestID, "RecordMark") { connection in
      let now = clock.now
      mark.id = "MK-\(request.requestID)"
      mark.time = .init(date: now)
      mark.recordedBy = principal.subject
      try await connection.query(
        """
        INSERT INTO marks (id, kind, hall_id, window_id, staff_id, department_id, time, body)
        VALUES (\(mark.id), \(Int16(mark.kind.rawValue)), \(mark.hallID), \(mark.windowID),
          \(mark.staffID), \(mark.departmentID), \(now), \(try mark.bytea()))
        """, logger: logger)
      try await Outbox.append(
        type: "rating.mark.recorded", aggregateID: mark.id, payload: mark, at: now, on: connection,
        logger: logger)
      return mark
    }
  }

  func getFigures(
    request: Hall_Rating_V1_GetFiguresRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_GetFiguresResponse {
    let from = try Days.civil(request.from, field: "from")
    let to = try Days.civil(request.to, field: "to")
    guard from < to else {
      throw ServiceError.invalidArgument(field: "to", message: "must be after from")
    }
    // The grouping column, of the case (c) or of the mark (m).
    let key: (String) -> String
    switch request.grouping {
    case .deployment: key = { _ in "''" }
    case .department: key = { "\($0).department_id" }
    case .window: key = { "\($0).hall_id || '/' || \($0).window_id" }
    case .staff: key = { "\($0).staff_id" }
    default:
      throw ServiceError.invalidArgument(
        field: "grouping", message: "must be DEPLOYMENT, DEPARTMENT, WINDOW or STAFF")
    }
    let midnight = try TimeOfDay(hour: 0)
    let start = from.instant(at: midnight)
    let end = to.instant(at: midnight)
    var rows: [String: Hall_Rating_V1_FigureRow] = [:]
    func row(_ name: String) -> Hall_Rating_V1_FigureRow {
      rows[name] ?? .with { $0.key = name }
    }
    // Finished cases, and their valid first ratings.
    for result in try await db.query(
      PostgresQuery(
        unsafeSQL: """
          SELECT \(key("c")), count(*)::int8, count(r.id)::int8,
            count(r.id) FILTER (WHERE r.satisfaction <= 3)::int8,
            count(r.id) FILTER (WHERE r.satisfaction >= 4)::int8,
            count(r.id) FILTER (WHERE c.window_id <> '' AND c.staff_id <> '')::int8
          FROM cases c LEFT JOIN ratings r
            ON r.case_number = c.case_number AND r.evaluation = 1 AND NOT r.void
          WHERE c.finished AND c.finish_time >= $1 AND c.finish_time < $2
          GROUP BY 1
          """, binds: binds(start, end)), logger: logger
    ).collect() {
      let (name, finished, ratings, good, bad, linked) = try result.decode(
        (String, Int64, Int64, Int64, Int64, Int64).self)
      var figures = row(name)
      figures.finishedCases = finished
      figures.ratings = ratings
      figures.goodRatings = good
      figures.badRatings = bad
      figures.linkedRatings = linked
      rows[name] = figures
    }
    // Bad reviews due in the period, by the case's grouping.
    for result in try await db.query(
      PostgresQuery(
        unsafeSQL: """
          SELECT \(key("c")), count(*)::int8,
            count(*) FILTER (WHERE b.closed_time <= b.rectification_due)::int8
          FROM bad_reviews b JOIN ratings r ON r.id = b.id
            JOIN cases c ON c.case_number = r.case_number
          WHERE b.state <> \(Hall_Rating_V1_BadReviewState.void.rawValue)
            AND b.rectification_due >= $1 AND b.rectification_due < $2
          GROUP BY 1
          """, binds: binds(start, end)), logger: logger
    ).collect() {
      let (name, due, onTime) = try result.decode((String, Int64, Int64).self)
      var figures = row(name)
      figures.badReviewsDue = due
      figures.badReviewsOnTime = onTime
      rows[name] = figures
    }
    // Bad marks recorded in the period.
    for result in try await db.query(
      PostgresQuery(
        unsafeSQL: """
          SELECT \(key("m")), count(*)::int8 FROM marks m
          WHERE m.time >= $1 AND m.time < $2 GROUP BY 1
          """, binds: binds(start, end)), logger: logger
    ).collect() {
      let (name, marks) = try result.decode((String, Int64).self)
      var figures = row(name)
      figures.badMarks = marks
      rows[name] = figures
    }
    var response = Hall_Rating_V1_GetFiguresResponse()
    response.rows = rows.values.sorted { $0.key < $1.key }.map(RatingFigures.rates)
    return response
  }

  private func binds(_ start: Date, _ end: Date) -> PostgresBindings {
    var bindings = PostgresBindings()
    bindings.append(start)
    bindings.append(end)
    return bindings
  }
}

/// The rates of RAT-5 from the counts, as rating_service.proto defines them.
enum RatingFigures {
  static func basisPoints(_ part: Int64, of whole: Int64, whenNone: Int32 = 0) -> Int32 {
    BasisPoints.of(part, whole, whenNone: whenNone)
  }

  static func rates(_ row: Hall_Rating_V1_FigureRow) -> Hall_Rating_V1_FigureRow {
    var row = row
    row.satisfactionRateBp = basisPoints(row.goodRatings, of: row.ratings)
    row.activeRatingRateBp = basisPoints(row.ratings, of: row.finishedCases)
    row.linkageCompletenessBp = basisPoints(row.linkedRatings, of: row.ratings, whenNone: 10_000)
    row.onTimeRectificationRateBp = basisPoints(
      row.badReviewsOnTime, of: row.badReviewsDue, whenNone: 10_000)
    return row
  }
}
