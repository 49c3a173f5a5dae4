import Foundation
import HallCalendar
import HallContracts
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// A month of a city's cases as supervision would hold them after applying every event:
/// closed cases with their anomalies and the per-day counters they add up to, generated in
/// SQL a million at a time, and open cases with their own records, due over the next four
/// weeks, whose next check the timer will take.
struct SupervisionMonth {
  let cases: Int
  let departments: Int
  let open: Int
  let now: Date
  let logger = Logger(label: "bench-load")

  static let regions = ["410102", "410103", "410104", "410105"]

  func load(into client: PostgresClient) async throws {
    let departmentIDs = (0..<departments).map { "d\(String(format: "%03d", $0))" }
    try await client.query(
      """
      INSERT INTO departments (id, name, region_code)
      SELECT id, '部门 ' || id, (\(Self.regions))[1 + ordinality::int % 4]
      FROM unnest(\(departmentIDs)) WITH ORDINALITY AS d(id, ordinality)
      """, logger: logger)
    let closed = cases - open
    let chunk = 1_000_000
    var low = 1
    while low <= closed {
      let high = min(closed, low + chunk - 1)
      progress("closed cases \(grouped(low))–\(grouped(high)) of \(grouped(closed))")
      try await client.query(closedCases(from: low, to: high, of: closed), logger: logger)
      low = high + 1
    }
    progress("open cases: \(grouped(open))")
    try await openCases(into: client)
    progress("analyze")
    try await client.query("ANALYZE", logger: logger)
  }

  /// One statement: the cases, their anomalies (5 % overdue, 2 % a long window wait) and the
  /// counters, from the same generated rows. Every fifth case is on the spot, two in five
  /// are rated, one in a hundred badly.
  func closedCases(from low: Int, to high: Int, of total: Int) throws -> PostgresQuery {
    let body = try Hall_Supervision_V1_SupervisedCase.with {
      $0.caseNumber = "BENCH"
      $0.source = .feed
    }.bytea()
    let anomaly = try Hall_Supervision_V1_Anomaly.with { $0.id = "BENCH" }.bytea()
    var query = PostgresQuery(
      unsafeSQL: """
        WITH g AS MATERIALIZED (
          SELECT i, 'C' || lpad(i::text, 9, '0') AS number,
            'd' || lpad((i % \(departments))::text, 3, '0') AS department_id,
            ('{\(Self.regions.joined(separator: ","))}'::text[])[1 + (i % \(departments)) % 4]
              AS region_code,
            received, floor((extract(epoch FROM received) + 28800) / 86400)::int AS day
          FROM generate_series(\(low), \(high)) AS i,
            LATERAL (SELECT timestamptz '2026-10-01 00:00:00+08'
              + make_interval(secs => i::float8 * 2678400 / \(total)) AS received) r),
        c AS (
          INSERT INTO cases (case_number, region_code, department_id, item_code, source, open,
            timeliness, receive_time, accept_day, red_anomalies, anomalies, body)
          SELECT number, region_code, department_id, 'ITEM-' || (i % 600), 1, false,
            CASE WHEN i % 20 = 0 THEN 3 WHEN i % 10 = 0 THEN 2 ELSE 1 END, received, day,
            (i % 20 = 0)::int, (i % 20 = 0)::int + (i % 50 = 7)::int, $1
          FROM g),
        a AS (
          INSERT INTO anomalies (id, rule_code, category, signal, state, counted, case_number,
            department_id, region_code, raise_time, raise_day, body)
          SELECT number || '/OVERDUE', 'OVERDUE', 1, 2, 2, true, number, department_id,
            region_code, received + interval '5 days', day + 5, $2 FROM g WHERE i % 20 = 0
          UNION ALL
          SELECT number || '/WINDOW_WAIT', 'WINDOW_WAIT', 2, 1, 2, true, number, department_id,
            region_code, received, day, $2 FROM g WHERE i % 50 = 7)
        INSERT INTO daily_figures AS f (day, region_code, department_id, accepted, red_carded,
          warned, completed, completed_on_time, spot_completed, spot_same_day, rated,
          rated_good)
        SELECT day, region_code, department_id, count(*), count(*) FILTER (WHERE i % 20 = 0),
          count(*) FILTER (WHERE i % 10 = 0), count(*), count(*) FILTER (WHERE i % 20 <> 0),
          count(*) FILTER (WHERE i % 5 = 0), count(*) FILTER (WHERE i % 5 = 0 AND i % 20 <> 0),
          count(*) FILTER (WHERE i % 5 IN (1, 2)),
          count(*) FILTER (WHERE i % 5 IN (1, 2) AND i % 100 <> 1)
        FROM g GROUP BY 1, 2, 3
        ON CONFLICT (day, region_code, department_id) DO UPDATE SET
          accepted = f.accepted + excluded.accepted, red_carded = f.red_carded + excluded.red_carded,
          warned = f.warned + excluded.warned, completed = f.completed + excluded.completed,
          completed_on_time = f.completed_on_time + excluded.completed_on_time,
          spot_completed = f.spot_completed + excluded.spot_completed,
          spot_same_day = f.spot_same_day + excluded.spot_same_day,
          rated = f.rated + excluded.rated, rated_good = f.rated_good + excluded.rated_good
        """)
    query.binds.append(body)
    query.binds.append(anomaly)
    return query
  }

  /// Open cases accepted over the last ten days with limits of 5 to 20 working days; their
  /// next check is a day before the due time, so the timer finds each one as the warning
  /// nears and sets its exact next check.
  func openCases(into client: PostgresClient) async throws {
    let calendar = WorkingCalendar.stateCouncil
    let batch = 5000
    var index = 0
    while index < open {
      let count = min(batch, open - index)
      var numbers: [String] = []
      var departmentIDs: [String] = []
      var regions: [String] = []
      var received: [Date] = []
      var days: [Int] = []
      var checks: [Date] = []
      var bodies: [ByteBuffer] = []
      for offset in 0..<count {
        let i = index + offset
        let department = i % departments
        // Spread over the last ten days whatever the count.
        let accept = now.addingTimeInterval(-Double((i &* 7919) % 864_000))
        let due = try calendar.dueTime(after: 5 + i % 16, from: accept)
        let kase = Hall_Supervision_V1_SupervisedCase.with {
          $0.caseNumber = "O" + String(format: "%09d", i)
          $0.itemCode = "ITEM-\(i % 600)"
          $0.departmentID = "d\(String(format: "%03d", department))"
          $0.regionCode = Self.regions[department % 4]
          $0.staffID = "staff-\(i % 900)"
          $0.source = .feed
          $0.state = 3
          $0.caseKind = .promised
          $0.promisedWorkingDays = Int32(5 + i % 16)
          $0.receiveTime = .init(date: accept)
          $0.acceptTime = .init(date: accept)
          $0.dueTime = .init(date: due)
          $0.timeliness = .normal
          $0.open = true
          $0.timeline = [
            .with {
              $0.time = .init(date: accept)
              $0.action = "accepted"
              $0.state = 3
            }
          ]
          $0.updateTime = .init(date: accept)
        }
        numbers.append(kase.caseNumber)
        departmentIDs.append(kase.departmentID)
        regions.append(kase.regionCode)
        received.append(accept)
        days.append(CivilDate(chinaStandardTimeOf: accept).dayNumber)
        checks.append(due.addingTimeInterval(-86_400))
        bodies.append(try kase.bytea())
      }
      try await client.query(
        """
        INSERT INTO cases (case_number, region_code, department_id, item_code, source, open,
          timeliness, receive_time, accept_day, next_check, body)
        SELECT n, r, d, 'ITEM', 1, true, 1, t, day, c, b
        FROM unnest(\(numbers), \(regions), \(departmentIDs), \(received), \(days), \(checks),
          \(bodies)) AS x(n, r, d, t, day, c, b)
        """, logger: logger)
      index += count
    }
  }
}
