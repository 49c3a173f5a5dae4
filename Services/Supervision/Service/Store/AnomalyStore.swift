import Foundation
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The anomalies, stored whole with the columns that listings and figures filter on, and
/// what a change of one does to its case's counters and the figures (``Anomalies/counts(_:)``).
struct AnomalyStore {
  let db: Database

  /// Inserts `anomaly` unless one with its id exists; true when inserted.
  @discardableResult
  func insert(_ anomaly: Anomaly) async throws -> Bool {
    try await insert([anomaly]) == 1
  }

  /// Inserts those of `anomalies` whose id is new, announces them, and moves their cases'
  /// counters (and the red-carded figure when a case's red count leaves zero) — a fixed
  /// number of statements for any number. Returns how many were new.
  @discardableResult
  func insert(_ anomalies: [Anomaly]) async throws -> Int {
    guard !anomalies.isEmpty else { return 0 }
    let rows = try await db.query(
      """
      INSERT INTO anomalies (id, rule_code, category, signal, state, counted, case_number,
        department_id, region_code, raise_time, raise_day, body)
      SELECT * FROM unnest(\(anomalies.map(\.id)), \(anomalies.map(\.ruleCode)),
        \(anomalies.map { Int16($0.category.rawValue) }),
        \(anomalies.map { Int16($0.signal.rawValue) }),
        \(anomalies.map { Int16($0.state.rawValue) }),
        \(anomalies.map { Anomalies.counts($0.state) }),
        \(anomalies.map(\.caseNumber)), \(anomalies.map(\.departmentID)),
        \(anomalies.map(\.regionCode)), \(anomalies.map(\.raiseTime.date)),
        \(anomalies.map { CivilDate(chinaStandardTimeOf: $0.raiseTime.date).dayNumber }),
        \(try anomalies.map { try $0.bytea() }))
      ON CONFLICT (id) DO NOTHING RETURNING id
      """)
    let inserted = Set(try rows.map { try $0.decode(String.self) })
    let fresh = anomalies.filter { inserted.contains($0.id) }
    try await Outbox.append(
      fresh.map { SupervisionEvent.anomalyRaised.entry($0.id, $0, at: $0.raiseTime.date) },
      on: db)
    var perCase: [String: (count: Int, red: Int)] = [:]
    for anomaly in fresh where Anomalies.counts(anomaly.state) && !anomaly.caseNumber.isEmpty {
      perCase[anomaly.caseNumber, default: (0, 0)].count += 1
      if anomaly.signal == .red { perCase[anomaly.caseNumber, default: (0, 0)].red += 1 }
    }
    try await adjust(perCase)
    return fresh.count
  }

  /// Stores a changed anomaly (its id exists) and announces it as `event`, in one statement;
  /// the case counters follow when it starts or stops counting.
  func update(
    _ anomaly: Anomaly, from old: Anomaly, event: SupervisionEvent, at instant: Date
  ) async throws {
    try await Outbox.append(
      [event.entry(anomaly.id, anomaly, at: instant)], alongside: try Self.update(anomaly),
      on: db)
    try await recount(anomaly, from: old)
  }

  /// The statement that stores a changed anomaly.
  static func update(_ anomaly: Anomaly) throws -> PostgresQuery {
    """
    UPDATE anomalies SET state = \(Int16(anomaly.state.rawValue)),
      counted = \(Anomalies.counts(anomaly.state)),
      category = \(Int16(anomaly.category.rawValue)), signal = \(Int16(anomaly.signal.rawValue)),
      raise_time = \(anomaly.raiseTime.date),
      raise_day = \(CivilDate(chinaStandardTimeOf: anomaly.raiseTime.date).dayNumber),
      body = \(try anomaly.bytea())
    WHERE id = \(anomaly.id)
    """
  }

  /// Moves the case's counters when a change makes the anomaly start or stop counting.
  func recount(_ anomaly: Anomaly, from old: Anomaly) async throws {
    let counted = Anomalies.counts(anomaly.state)
    guard counted != Anomalies.counts(old.state), !anomaly.caseNumber.isEmpty else { return }
    let delta = counted ? 1 : -1
    try await adjust([anomaly.caseNumber: (delta, anomaly.signal == .red ? delta : 0)])
  }

  /// Moves cases' anomaly counters; when a case's red count crosses zero, the case enters
  /// or leaves the red-carded figure of the day it was accepted.
  private func adjust(_ changes: [String: (count: Int, red: Int)]) async throws {
    guard !changes.isEmpty else { return }
    let numbers = changes.keys.sorted()
    let rows = try await db.query(
      """
      UPDATE cases AS c SET anomalies = c.anomalies + x.n, red_anomalies = c.red_anomalies + x.r
      FROM unnest(\(numbers), \(numbers.map { changes[$0]!.count }),
        \(numbers.map { changes[$0]!.red })) AS x(k, n, r)
      WHERE c.case_number = x.k
      RETURNING c.accept_day, c.region_code, c.department_id, c.red_anomalies, x.r
      """)
    var figures = DailyFigures()
    for row in rows {
      let (day, region, department, now, red) = try row.decode(
        (Int?, String, String, Int, Int).self)
      guard let day, red != 0, (red > 0 && now == red) || (red < 0 && now == 0) else { continue }
      figures.add(
        .init(day: day, regionCode: region, departmentID: department), .redCarded,
        red > 0 ? 1 : -1)
    }
    try await FigureStore(db: db).add(figures)
  }

  /// The anomaly, or NOT_FOUND.
  func load(_ id: String, forUpdate: Bool) async throws -> Anomaly {
    guard let anomaly = try await find(id, forUpdate: forUpdate) else {
      throw ServiceError.notFound("no anomaly \(id)")
    }
    return anomaly
  }

  func find(_ id: String, forUpdate: Bool) async throws -> Anomaly? {
    let query: PostgresQuery =
      forUpdate
      ? "SELECT body FROM anomalies WHERE id = \(id) FOR UPDATE"
      : "SELECT body FROM anomalies WHERE id = \(id)"
    return try await db.query(query).first.map(Self.anomaly)
  }

  /// The next number of a manual entry (its id is "M-" and the number).
  func nextManualNumber() async throws -> Int64 {
    try await db.query("SELECT nextval('manual_entry_numbers')")[0].decode(Int64.self)
  }
}
