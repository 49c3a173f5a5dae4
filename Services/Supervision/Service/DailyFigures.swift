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

/// The per-day counters behind every figure (SUP-7). Each record contributes to the rows of
/// the days it counts on; a change of the record adds the difference of its contributions in
/// the same transaction, so the counters always equal a count over the records.
struct DailyFigures: Equatable {
  struct Key: Hashable {
    var day: Int
    var regionCode: String
    var departmentID: String
  }

  /// In the column order of `daily_figures`.
  static let columns = [
    "accepted", "red_carded", "warned", "completed", "completed_on_time", "spot_completed",
    "spot_same_day", "rated", "rated_good",
  ]

  var rows: [Key: [Int64]] = [:]

  mutating func add(_ key: Key, _ column: String, _ amount: Int64 = 1) {
    guard let index = Self.columns.firstIndex(of: column) else {
      preconditionFailure("unknown figure column \(column)")
    }
    rows[key, default: Array(repeating: 0, count: Self.columns.count)][index] += amount
  }

  mutating func add(_ other: DailyFigures, sign: Int64 = 1) {
    for (key, values) in other.rows {
      var row = rows[key, default: Array(repeating: 0, count: Self.columns.count)]
      for index in values.indices { row[index] += sign * values[index] }
      rows[key] = row
    }
  }

  /// What a supervised case counts for: accepted, warned and red-carded on the day it was
  /// accepted; completed, on time and same day on the day it was decided.
  static func of(_ kase: Hall_Supervision_V1_SupervisedCase, redAnomalies: Int) -> DailyFigures {
    var figures = DailyFigures()
    if kase.hasAcceptTime {
      let key = Key(
        day: CivilDate(chinaStandardTimeOf: kase.acceptTime.date).dayNumber,
        regionCode: kase.regionCode, departmentID: kase.departmentID)
      figures.add(key, "accepted")
      if kase.hasYellowCardTime { figures.add(key, "warned") }
      if redAnomalies > 0 { figures.add(key, "red_carded") }
    }
    if kase.hasCompletionTime {
      let completion = kase.completionTime.date
      let key = Key(
        day: CivilDate(chinaStandardTimeOf: completion).dayNumber,
        regionCode: kase.regionCode, departmentID: kase.departmentID)
      figures.add(key, "completed")
      let onTime = !kase.hasRedCardTime || kase.redCardTime.date >= completion
      if onTime { figures.add(key, "completed_on_time") }
      // An on-the-spot item's due time is the close of the day it was received (the next
      // working day's when it came after closing), so on time is the same day.
      if kase.caseKind == .onTheSpot {
        figures.add(key, "spot_completed")
        if onTime { figures.add(key, "spot_same_day") }
      }
    }
    return figures
  }

  /// What a rating counts for, on the day of the first rating.
  static func ofRating(
    day: Int, regionCode: String, departmentID: String, code: Int, void: Bool
  ) -> DailyFigures {
    var figures = DailyFigures()
    guard !void else { return figures }
    let key = Key(day: day, regionCode: regionCode, departmentID: departmentID)
    figures.add(key, "rated")
    if code <= 3 { figures.add(key, "rated_good") }
    return figures
  }

  /// Adds these counters to the table; rows that net to zero are skipped.
  func apply(on connection: PostgresConnection, logger: Logger) async throws {
    let changed = rows.filter { $0.value.contains { $0 != 0 } }
    guard !changed.isEmpty else { return }
    // One order for every transaction, so that two of them never wait on each other's rows.
    let keys = changed.keys.sorted {
      ($0.day, $0.regionCode, $0.departmentID) < ($1.day, $1.regionCode, $1.departmentID)
    }
    func column(_ index: Int) -> [Int64] { keys.map { changed[$0]![index] } }
    try await connection.query(
      """
      INSERT INTO daily_figures AS f (day, region_code, department_id, accepted, red_carded,
        warned, completed, completed_on_time, spot_completed, spot_same_day, rated, rated_good)
      SELECT * FROM unnest(\(keys.map(\.day)), \(keys.map(\.regionCode)),
        \(keys.map(\.departmentID)), \(column(0)), \(column(1)), \(column(2)), \(column(3)),
        \(column(4)), \(column(5)), \(column(6)), \(column(7)), \(column(8)))
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
      """, logger: logger)
  }
}
