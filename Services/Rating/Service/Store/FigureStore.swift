import HallContracts
import HallDatabase
import PostgresNIO

/// The counts of the figures (RAT-5), from the case replica, the ratings, the bad reviews
/// and the marks. Unprepared: the grouping column is part of each statement's text.
struct FigureStore {
  let db: Database

  /// Every count of the period, by group.
  func counts(by group: FigureGroup, in period: FigurePeriod) async throws -> FigureTable {
    var table = FigureTable()
    for row in try await rows(Self.finishedCases(key: key(group, of: "c")), period) {
      let (name, finished, ratings, good, bad, linked) = try row.decode(
        (String, Int64, Int64, Int64, Int64, Int64).self)
      table[name].finishedCases = finished
      table[name].ratings = ratings
      table[name].goodRatings = good
      table[name].badRatings = bad
      table[name].linkedRatings = linked
    }
    for row in try await rows(Self.badReviewsDue(key: key(group, of: "c")), period) {
      let (name, due, onTime) = try row.decode((String, Int64, Int64).self)
      table[name].badReviewsDue = due
      table[name].badReviewsOnTime = onTime
    }
    for row in try await rows(Self.badMarks(key: key(group, of: "m")), period) {
      let (name, marks) = try row.decode((String, Int64).self)
      table[name].badMarks = marks
    }
    return table
  }

  /// Finished cases, and their valid first ratings: all, good (1–3), bad (4, 5), and those
  /// tied to a window and a staff member.
  private static func finishedCases(key: String) -> String {
    """
    SELECT \(key), count(*)::int8, count(r.id)::int8,
      count(r.id) FILTER (WHERE r.satisfaction <= 3)::int8,
      count(r.id) FILTER (WHERE r.satisfaction >= 4)::int8,
      count(r.id) FILTER (WHERE c.window_id <> '' AND c.staff_id <> '')::int8
    FROM cases c LEFT JOIN ratings r
      ON r.case_number = c.case_number AND r.evaluation = 1 AND NOT r.void
    WHERE c.finished AND c.finish_time >= $1 AND c.finish_time < $2
    GROUP BY 1
    """
  }

  /// Bad reviews due in the period, by the case's grouping, and those closed on time; void
  /// ones do not count.
  private static func badReviewsDue(key: String) -> String {
    """
    SELECT \(key), count(*)::int8,
      count(*) FILTER (WHERE b.closed_time <= b.rectification_due)::int8
    FROM bad_reviews b JOIN ratings r ON r.id = b.id
      JOIN cases c ON c.case_number = r.case_number
    WHERE b.state <> \(BadReviewState.void.rawValue)
      AND b.rectification_due >= $1 AND b.rectification_due < $2
    GROUP BY 1
    """
  }

  /// Bad marks recorded in the period.
  private static func badMarks(key: String) -> String {
    "SELECT \(key), count(*)::int8 FROM marks m WHERE m.time >= $1 AND m.time < $2 GROUP BY 1"
  }

  /// The grouping column of the case (c) or of the mark (m).
  private func key(_ group: FigureGroup, of table: String) -> String {
    switch group {
    case .deployment: "''"
    case .department: "\(table).department_id"
    case .window: "\(table).hall_id || '/' || \(table).window_id"
    case .staff: "\(table).staff_id"
    }
  }

  /// The rows of `sql`, with the period's start and end as $1 and $2.
  private func rows(_ sql: String, _ period: FigurePeriod) async throws -> [PostgresRow] {
    var binds = PostgresBindings()
    binds.append(period.start)
    binds.append(period.end)
    return try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds))
  }
}
