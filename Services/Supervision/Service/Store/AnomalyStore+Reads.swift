import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// The reads of anomalies: a listing's page, a case's anomalies, an export's period.
extension AnomalyStore {
  /// A page of anomalies as `request` filters them, in id order.
  func page(_ request: ListAnomaliesRequest, _ listing: Listing) async throws -> [Anomaly] {
    let category = Int16(request.category.rawValue)
    let signal = Int16(request.signal.rawValue)
    let state = Int16(request.state.rawValue)
    let rows = try await db.query(
      """
      SELECT body FROM anomalies
      WHERE id > \(listing.after)
        AND (\(listing.department) = '' OR department_id = \(listing.department))
        AND (\(request.regionCode) = '' OR region_code = \(request.regionCode))
        AND (\(request.caseNumber) = '' OR case_number = \(request.caseNumber))
        AND (\(request.ruleCode) = '' OR rule_code = \(request.ruleCode))
        AND (\(category) = 0 OR category = \(category))
        AND (\(signal) = 0 OR signal = \(signal))
        AND (\(state) = 0 OR state = \(state))
        AND (\(listing.from)::timestamptz IS NULL OR raise_time >= \(listing.from))
        AND (\(listing.to)::timestamptz IS NULL OR raise_time < \(listing.to))
      ORDER BY id LIMIT \(listing.size + 1)
      """)
    return try rows.map(Self.anomaly)
  }

  /// The ids of the anomalies raised on each case, oldest first.
  func ids(of cases: [String]) async throws -> [String: [String]] {
    guard !cases.isEmpty else { return [:] }
    var ids: [String: [String]] = [:]
    for row in try await db.query(
      """
      SELECT case_number, id FROM anomalies WHERE case_number = ANY(\(cases))
      ORDER BY raise_time, id
      """)
    {
      let (number, id) = try row.decode((String, String).self)
      ids[number, default: []].append(id)
    }
    return ids
  }

  /// The anomalies of `ids` that exist, in the order of `ids`.
  func anomalies(_ ids: [String]) async throws -> [Anomaly] {
    guard !ids.isEmpty else { return [] }
    var byID: [String: Anomaly] = [:]
    for row in try await db.query("SELECT id, body FROM anomalies WHERE id = ANY(\(ids))") {
      let (id, body) = try row.decode((String, ByteBuffer).self)
      byID[id] = try Anomaly(bytea: body)
    }
    return ids.compactMap { byID[$0] }
  }

  /// The anomalies raised in the period, at most `limit`.
  func raised(in period: Exports.Period, limit: Int) async throws -> [Anomaly] {
    let rows = try await db.query(
      """
      SELECT body FROM anomalies
      WHERE raise_time >= \(period.from) AND raise_time < \(period.to)
        AND (\(period.department) = '' OR department_id = \(period.department))
      ORDER BY raise_time, id LIMIT \(limit)
      """)
    return try rows.map(Self.anomaly)
  }

  static func anomaly(_ row: PostgresRow) throws -> Anomaly {
    try Anomaly(bytea: try row.decode(ByteBuffer.self))
  }
}
