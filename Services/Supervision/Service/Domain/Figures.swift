import HallContracts
import HallServer
import SwiftProtobuf

/// Figures (SUP-7): every figure is a ratio of the per-day counters (defined in
/// supervision_service.proto) or a count of counted anomalies, so a month for any number of
/// cases adds up at most 31 rows per department.
enum Figures {
  /// Counted anomalies of one group, rule and category.
  struct AnomalyCount {
    var group: String
    var rule: String
    var category: Int16
    var count: Int64
  }

  /// One row per group with any activity (the deployment grouping always has its one row),
  /// by key: the counters' sums with the anomaly counts added.
  static func rows(counters: [FigureRow], anomalies: [AnomalyCount], grouping: Grouping)
    -> [String: FigureRow]
  {
    var rows = Dictionary(uniqueKeysWithValues: counters.map { ($0.key, $0) })
    for counted in anomalies {
      var row = rows[counted.group] ?? FigureRow.with { $0.key = counted.group }
      row.anomaliesByRule[counted.rule, default: 0] += counted.count
      let name =
        RuleCategory(rawValue: Int(counted.category)).map { "\($0)".uppercased() }
        ?? "\(counted.category)"
      row.anomaliesByCategory[name, default: 0] += counted.count
      row.anomalies += counted.count
      rows[counted.group] = row
    }
    if grouping == .deployment, rows.isEmpty { rows[""] = FigureRow() }
    return rows
  }

  /// The rows named (a department's name) and with their rates, in key order.
  static func finished(_ rows: [String: FigureRow], names: [String: String]) -> [FigureRow] {
    rows.values.map { row in
      var row = row
      row.name = names[row.key] ?? ""
      row.redCardRateBp = rate(row.redCardedCases, row.acceptedCases, empty: 0)
      row.onTimeRateBp = rate(row.completedOnTime, row.completedCases)
      row.sameDayRateBp = rate(row.onTheSpotSameDay, row.onTheSpotCompleted)
      row.satisfactionRateBp = rate(row.goodRatings, row.ratings)
      return row
    }.sorted { $0.key < $1.key }
  }

  /// part / whole in basis points (``BasisPoints``); `empty` when there is nothing to measure.
  static func rate(_ part: Int64, _ whole: Int64, empty: Int32 = 10_000) -> Int32 {
    BasisPoints.of(part, whole, whenNone: empty)
  }
}
