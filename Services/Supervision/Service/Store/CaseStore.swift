import Foundation
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The supervised cases: each stored whole, with the columns that queries, the figures and
/// the timer read beside it.
struct CaseStore {
  let db: Database

  /// The case with its red anomaly count, locked for a change; nil when supervision has none.
  func lock(_ caseNumber: String) async throws -> StoredCase? {
    let rows = try await db.query(
      """
      SELECT body, red_anomalies, traceparent FROM cases WHERE case_number = \(caseNumber)
      FOR UPDATE
      """)
    return try rows.first.map(Self.stored)
  }

  /// The cases among `caseNumbers` that supervision has, locked, in one statement (a batch of
  /// a feed, FED-3).
  func lock(_ caseNumbers: [String]) async throws -> [String: StoredCase] {
    let rows = try await db.query(
      """
      SELECT body, red_anomalies, traceparent FROM cases WHERE case_number = ANY(\(caseNumbers))
      ORDER BY case_number FOR UPDATE
      """)
    var cases: [String: StoredCase] = [:]
    for row in rows {
      let stored = try Self.stored(row)
      cases[stored.kase.caseNumber] = stored
    }
    return cases
  }

  func find(_ caseNumber: String) async throws -> SupervisedCase? {
    let rows = try await db.query("SELECT body FROM cases WHERE case_number = \(caseNumber)")
    return try rows.first.map { try SupervisedCase(bytea: try $0.decode(ByteBuffer.self)) }
  }

  /// The cases whose next check is due at `now`, earliest first, at most `limit`, locked;
  /// those another instance has locked are left to it.
  func due(at now: Date, limit: Int) async throws -> [StoredCase] {
    let rows = try await db.query(
      """
      SELECT body, red_anomalies, traceparent FROM cases WHERE next_check <= \(now)
      ORDER BY next_check LIMIT \(limit) FOR UPDATE SKIP LOCKED
      """)
    return try rows.map(Self.stored)
  }

  private static func stored(_ row: PostgresRow) throws -> StoredCase {
    let (body, red, traceparent) = try row.decode((ByteBuffer, Int, String?).self)
    return StoredCase(
      kase: try SupervisedCase(bytea: body), redAnomalies: red, traceparent: traceparent)
  }

  /// Stores judged cases, new or changed, each with the instant of its next check (nil:
  /// nothing pending): one statement however many there are. A case changed inside a trace
  /// (an event applied, a call) keeps that trace (`traces`, one per case, when the cases
  /// were judged in several; the running one otherwise); one changed outside (the timer)
  /// keeps its own.
  static func save(_ cases: [SupervisedCase], next: [Date?], traces: [String?]? = nil) throws
    -> PostgresQuery
  {
    let running = Traces.currentParent ?? ""
    let traceparents = traces?.map { $0 ?? "" } ?? cases.map { _ in running }
    // Arrays of optionals do not bind: -1 and a flag stand for "none".
    let acceptDays = cases.map {
      $0.hasAcceptTime ? CivilDate(chinaStandardTimeOf: $0.acceptTime.date).dayNumber : -1
    }
    return """
      INSERT INTO cases AS c (case_number, region_code, department_id, item_code, source, open,
        timeliness, receive_time, accept_day, next_check, body, traceparent)
      SELECT k, r, d, i, s, o, t, rt, CASE WHEN ad >= 0 THEN ad END, CASE WHEN hn THEN nc END, b,
        nullif(tp, '')
      FROM unnest(\(cases.map(\.caseNumber)), \(cases.map(\.regionCode)),
        \(cases.map(\.departmentID)), \(cases.map(\.itemCode)),
        \(cases.map { Int16($0.source.rawValue) }), \(cases.map(\.open)),
        \(cases.map { Int16($0.timeliness.rawValue) }), \(cases.map(\.receiveTime.date)),
        \(acceptDays), \(next.map { $0 != nil }),
        \(next.map { $0 ?? Date(timeIntervalSince1970: 0) }),
        \(try cases.map { try $0.bytea() }), \(traceparents))
        AS x(k, r, d, i, s, o, t, rt, ad, hn, nc, b, tp)
      ON CONFLICT (case_number) DO UPDATE SET region_code = excluded.region_code,
        department_id = excluded.department_id, item_code = excluded.item_code,
        source = excluded.source, open = excluded.open, timeliness = excluded.timeliness,
        receive_time = excluded.receive_time, accept_day = excluded.accept_day,
        next_check = excluded.next_check, body = excluded.body,
        traceparent = coalesce(excluded.traceparent, c.traceparent)
      """
  }

  /// Every open case is judged again at the timer's next pass, whatever its clock reads.
  func recheckOpen() async throws {
    _ = try await db.query("UPDATE cases SET next_check = '-infinity' WHERE open")
  }

  /// A page of the combined query (SUP-10), in case number order.
  func page(_ request: QueryCasesRequest, _ listing: Listing) async throws -> [SupervisedCase] {
    let (timeliness, source) = (Int16(request.timeliness.rawValue), Int16(request.source.rawValue))
    let rows = try await db.query(
      """
      SELECT body FROM cases
      WHERE case_number > \(listing.after)
        AND (NOT \(request.openOnly) OR open)
        AND (NOT \(request.withAnomalies) OR anomalies > 0)
        AND (\(listing.department) = '' OR department_id = \(listing.department))
        AND (\(request.regionCode) = '' OR region_code = \(request.regionCode))
        AND (\(request.itemCode) = '' OR item_code = \(request.itemCode))
        AND (\(timeliness) = 0 OR timeliness = \(timeliness))
        AND (\(source) = 0 OR source = \(source))
        AND (\(listing.from)::timestamptz IS NULL OR receive_time >= \(listing.from))
        AND (\(listing.to)::timestamptz IS NULL OR receive_time < \(listing.to))
      ORDER BY case_number LIMIT \(listing.size + 1)
      """)
    return try rows.map { try SupervisedCase(bytea: try $0.decode(ByteBuffer.self)) }
  }

  /// The cases received in the period, at most `limit`.
  func received(in period: Exports.Period, limit: Int) async throws -> [SupervisedCase] {
    let rows = try await db.query(
      """
      SELECT body FROM cases
      WHERE receive_time >= \(period.from) AND receive_time < \(period.to)
        AND (\(period.department) = '' OR department_id = \(period.department))
      ORDER BY receive_time, case_number LIMIT \(limit)
      """)
    return try rows.map { try SupervisedCase(bytea: try $0.decode(ByteBuffer.self)) }
  }
}
