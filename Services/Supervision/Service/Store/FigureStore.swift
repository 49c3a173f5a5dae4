import Foundation
import HallCalendar
import HallContracts
import HallDatabase
import PostgresNIO
import SwiftProtobuf

/// The per-day counters (`daily_figures`, SUP-7), kept in the transaction of every change,
/// and the sums every figure is read from.
struct FigureStore {
  let db: Database

  /// Adds these counters to the table, in one statement; rows that net to zero are skipped.
  func add(_ figures: DailyFigures) async throws {
    let changed = figures.changedRows
    guard !changed.isEmpty else { return }
    func column(_ counter: DailyFigures.Counter) -> [Int64] {
      changed.map { $0.values[counter.rawValue] }
    }
    _ = try await db.query(
      """
      INSERT INTO daily_figures AS f (day, region_code, department_id, accepted, red_carded,
        warned, completed, completed_on_time, spot_completed, spot_same_day, rated, rated_good)
      SELECT * FROM unnest(\(changed.map(\.key.day)), \(changed.map(\.key.regionCode)),
        \(changed.map(\.key.departmentID)), \(column(.accepted)), \(column(.redCarded)),
        \(column(.warned)), \(column(.completed)), \(column(.completedOnTime)),
        \(column(.spotCompleted)), \(column(.spotSameDay)), \(column(.rated)),
        \(column(.ratedGood)))
      ON CONFLICT (day, region_code, department_id) DO UPDATE SET
        accepted = f.accepted + excluded.accepted,
        red_carded = f.red_carded + excluded.red_carded,
        warned = f.warned + excluded.warned,
        completed = f.completed + excluded.completed,
        completed_on_time = f.completed_on_time + excluded.completed_on_time,
        spot_completed = f.spot_completed + excluded.spot_completed,
        spot_same_day = f.spot_same_day + excluded.spot_same_day,
        rated = f.rated + excluded.rated,
        rated_good = f.rated_good + excluded.rated_good
      """)
  }

  /// Which figures are read: the days [from, to), one department and one region unless
  /// empty, summed per group.
  struct Selection {
    var grouping: Grouping
    var from: CivilDate
    var to: CivilDate
    var department = ""
    var region = ""
  }

  /// The counters' sums per group with any activity.
  func counters(_ selection: Selection) async throws -> [FigureRow] {
    let sql = selection.query(
      """
      SELECT {key}, sum(accepted)::int8, sum(red_carded)::int8, sum(warned)::int8,
        sum(completed)::int8, sum(completed_on_time)::int8, sum(spot_completed)::int8,
        sum(spot_same_day)::int8, sum(rated)::int8, sum(rated_good)::int8
      FROM daily_figures
      WHERE day >= $1 AND day < $2 AND ($3 = '' OR department_id = $3)
        AND ($4 = '' OR region_code = $4)
      GROUP BY 1
      """)
    return try await db.query(sql).map { row in
      let cells = row.makeRandomAccess()
      var figures = FigureRow()
      figures.key = try cells[0].decode(String.self)
      for counter in DailyFigures.Counter.allCases {
        figures[keyPath: counter.total] = try cells[counter.rawValue + 1].decode(Int64.self)
      }
      return figures
    }
  }

  /// How many counted anomalies each group has per rule and category.
  func anomalyCounts(_ selection: Selection) async throws -> [Figures.AnomalyCount] {
    let sql = selection.query(
      """
      SELECT {key}, rule_code, category, count(*)::int8 FROM anomalies
      WHERE counted AND raise_day >= $1 AND raise_day < $2
        AND ($3 = '' OR department_id = $3) AND ($4 = '' OR region_code = $4)
      GROUP BY 1, 2, 3
      """)
    return try await db.query(sql).map { row in
      let (group, rule, category, count) = try row.decode((String, String, Int16, Int64).self)
      return Figures.AnomalyCount(group: group, rule: rule, category: category, count: count)
    }
  }
}

extension FigureStore.Selection {
  /// `sql` with the grouping's column in place of `{key}` and the selection bound to $1–$4.
  func query(_ sql: String) -> PostgresQuery {
    let key =
      switch grouping {
      case .deployment: "''"
      case .region: "region_code"
      default: "department_id"
      }
    var query = PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "{key}", with: key))
    query.binds.append(from.dayNumber, context: .default)
    query.binds.append(to.dayNumber, context: .default)
    query.binds.append(department, context: .default)
    query.binds.append(region, context: .default)
    return query
  }
}
