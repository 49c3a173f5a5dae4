import HallCalendar
import HallContracts
import SwiftProtobuf

/// The per-day counters behind every figure (SUP-7). Each record contributes to the rows of
/// the days it counts on; a change of the record adds the difference of its contributions in
/// the same transaction, so the counters always equal a count over the records.
struct DailyFigures: Equatable {
  struct Key: Hashable {
    var day: Int
    var regionCode: String
    var departmentID: String
  }

  /// The counters, in the column order of `daily_figures`.
  enum Counter: Int, CaseIterable {
    case accepted, redCarded, warned, completed, completedOnTime, spotCompleted, spotSameDay
    case rated, ratedGood

    /// The figure row's field that sums this counter.
    var total: WritableKeyPath<FigureRow, Int64> {
      switch self {
      case .accepted: \.acceptedCases
      case .redCarded: \.redCardedCases
      case .warned: \.warnedCases
      case .completed: \.completedCases
      case .completedOnTime: \.completedOnTime
      case .spotCompleted: \.onTheSpotCompleted
      case .spotSameDay: \.onTheSpotSameDay
      case .rated: \.ratings
      case .ratedGood: \.goodRatings
      }
    }
  }

  var rows: [Key: [Int64]] = [:]

  mutating func add(_ key: Key, _ counter: Counter, _ amount: Int64 = 1) {
    rows[key, default: Self.zero][counter.rawValue] += amount
  }

  private static let zero = [Int64](repeating: 0, count: Counter.allCases.count)

  mutating func add(_ other: DailyFigures, sign: Int64 = 1) {
    for (key, values) in other.rows {
      var row = rows[key, default: Self.zero]
      for index in values.indices { row[index] += sign * values[index] }
      rows[key] = row
    }
  }

  /// What a supervised case counts for: accepted, warned and red-carded on the day it was
  /// accepted; completed, on time and same day on the day it was decided.
  static func of(_ kase: SupervisedCase, redAnomalies: Int) -> DailyFigures {
    var figures = DailyFigures()
    if kase.hasAcceptTime {
      let key = Key(
        day: CivilDate(chinaStandardTimeOf: kase.acceptTime.date).dayNumber,
        regionCode: kase.regionCode, departmentID: kase.departmentID)
      figures.add(key, .accepted)
      if kase.hasYellowCardTime { figures.add(key, .warned) }
      if redAnomalies > 0 { figures.add(key, .redCarded) }
    }
    if kase.hasCompletionTime {
      let completion = kase.completionTime.date
      let key = Key(
        day: CivilDate(chinaStandardTimeOf: completion).dayNumber,
        regionCode: kase.regionCode, departmentID: kase.departmentID)
      figures.add(key, .completed)
      let onTime = !kase.hasRedCardTime || kase.redCardTime.date >= completion
      if onTime { figures.add(key, .completedOnTime) }
      // An on-the-spot item's due time is the close of the day it was received (the next
      // working day's when it came after closing), so on time is the same day.
      if kase.caseKind == .onTheSpot {
        figures.add(key, .spotCompleted)
        if onTime { figures.add(key, .spotSameDay) }
      }
    }
    return figures
  }

  /// What a rating counts for, on the day of the first rating.
  static func ofRating(_ key: Key, code: Int, void: Bool) -> DailyFigures {
    var figures = DailyFigures()
    guard !void else { return figures }
    figures.add(key, .rated)
    if code <= 3 { figures.add(key, .ratedGood) }
    return figures
  }

  /// The rows with a change, in one order for every transaction, so that two of them never
  /// wait on each other's rows.
  var changedRows: [(key: Key, values: [Int64])] {
    rows.filter { $0.value.contains { $0 != 0 } }.sorted {
      ($0.key.day, $0.key.regionCode, $0.key.departmentID)
        < ($1.key.day, $1.key.regionCode, $1.key.departmentID)
    }.map { ($0.key, $0.value) }
  }
}
