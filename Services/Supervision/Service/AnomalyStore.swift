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

/// Anomalies as stored, and what a change of one does to its case's counters and the
/// figures: only counted anomalies (raised and not removed) count, and a case with a counted
/// red anomaly is red-carded.
enum AnomalyStore {
  typealias Anomaly = Hall_Supervision_V1_Anomaly

  static func counts(_ state: Hall_Supervision_V1_AnomalyState) -> Bool {
    state == .open || state == .appealed || state == .closed
  }

  /// A new anomaly raised at `time` by `rule` on the case (if any).
  static func make(
    id: String, rule: Hall_Supervision_V1_Rule, summary: String, evidence: [String],
    kase: Hall_Supervision_V1_SupervisedCase?, time: Date, calendar: WorkingCalendar,
    policy: SupervisionPolicy
  ) throws -> Anomaly {
    try Anomaly.with {
      $0.id = id
      $0.ruleCode = rule.code
      $0.category = rule.category
      $0.signal = rule.signal
      $0.state = .open
      $0.raiseTime = .init(date: time)
      $0.summary = summary
      $0.evidence = evidence
      $0.appealDue = try appealDue(raisedAt: time, calendar: calendar, policy: policy)
      $0.updateTime = .init(date: time)
      if let kase {
        $0.caseNumber = kase.caseNumber
        $0.departmentID = kase.departmentID
        $0.regionCode = kase.regionCode
        $0.hallID = kase.hallID
        $0.windowID = kase.windowID
        $0.staffID = kase.staffID
      }
    }
  }

  /// The last day of the appeal window (SUP-5: 10 working days after it was raised).
  static func appealDue(raisedAt time: Date, calendar: WorkingCalendar, policy: SupervisionPolicy)
    throws -> Hall_Common_V1_CivilDate
  {
    Days.proto(
      CivilDate(
        chinaStandardTimeOf: try calendar.dueTime(after: policy.appealWorkingDays, from: time)))
  }

  /// Inserts `anomaly` unless one with its id exists; true when inserted.
  @discardableResult
  static func insert(
    _ anomaly: Anomaly, on connection: PostgresConnection, logger: Logger
  ) async throws -> Bool {
    try await insert([anomaly], on: connection, logger: logger) == 1
  }

  /// Inserts those of `anomalies` whose id is new, announces them, and moves their cases'
  /// counters (and the red-carded figure when a case's red count leaves zero) — a fixed
  /// number of statements for any number. Returns how many were new.
  @discardableResult
  static func insert(
    _ anomalies: [Anomaly], on connection: PostgresConnection, logger: Logger
  ) async throws -> Int {
    guard !anomalies.isEmpty else { return 0 }
    let rows = try await connection.query(
      """
      INSERT INTO anomalies (id, rule_code, category, signal, state, counted, case_number,
        department_id, region_code, raise_time, raise_day, body)
      SELECT * FROM unnest(\(anomalies.map(\.id)), \(anomalies.map(\.ruleCode)),
        \(anomalies.map { Int16($0.category.rawValue) }),
        \(anomalies.map { Int16($0.signal.rawValue) }),
        \(anomalies.map { Int16($0.state.rawValue) }), \(anomalies.map { counts($0.state) }),
        \(anomalies.map(\.caseNumber)), \(anomalies.map(\.departmentID)),
        \(anomalies.map(\.regionCode)), \(anomalies.map(\.raiseTime.date)),
        \(anomalies.map { CivilDate(chinaStandardTimeOf: $0.raiseTime.date).dayNumber }),
        \(try anomalies.map { try $0.bytea() }))
      ON CONFLICT (id) DO NOTHING RETURNING id
      """, logger: logger
    ).collect()
    let inserted = Set(try rows.map { try $0.decode(String.self) })
    let fresh = anomalies.filter { inserted.contains($0.id) }
    try await Outbox.append(
      fresh.map {
        .init(
          type: "supervision.anomaly.raised", aggregateID: $0.id, payload: $0,
          at: $0.raiseTime.date)
      },
      on: connection, logger: logger)
    var perCase: [String: (count: Int, red: Int)] = [:]
    for anomaly in fresh where counts(anomaly.state) && !anomaly.caseNumber.isEmpty {
      perCase[anomaly.caseNumber, default: (0, 0)].count += 1
      if anomaly.signal == .red { perCase[anomaly.caseNumber, default: (0, 0)].red += 1 }
    }
    try await adjust(perCase, on: connection, logger: logger)
    return fresh.count
  }
  /// Stores a changed anomaly (its id exists) and announces it as `action`; the case
  /// counters follow when it starts or stops counting.
  static func update(
    _ anomaly: Anomaly, from old: Anomaly, action: String, at instant: Date,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    let counted = counts(anomaly.state)
    try await connection.query(
      """
      UPDATE anomalies SET state = \(Int16(anomaly.state.rawValue)), counted = \(counted),
        category = \(Int16(anomaly.category.rawValue)), signal = \(Int16(anomaly.signal.rawValue)),
        raise_time = \(anomaly.raiseTime.date),
        raise_day = \(CivilDate(chinaStandardTimeOf: anomaly.raiseTime.date).dayNumber),
        body = \(try anomaly.bytea())
      WHERE id = \(anomaly.id)
      """, logger: logger)
    try await Outbox.append(
      type: "supervision.anomaly.\(action)", aggregateID: anomaly.id, payload: anomaly,
      at: instant, on: connection, logger: logger)
    let wasCounted = counts(old.state)
    if counted != wasCounted, !anomaly.caseNumber.isEmpty {
      let delta = counted ? 1 : -1
      try await adjust(
        [anomaly.caseNumber: (delta, anomaly.signal == .red ? delta : 0)], on: connection,
        logger: logger)
    }
  }

  /// Moves cases' anomaly counters; when a case's red count crosses zero, the case enters
  /// or leaves the red-carded figure of the day it was accepted.
  static func adjust(
    _ changes: [String: (count: Int, red: Int)], on connection: PostgresConnection,
    logger: Logger
  ) async throws {
    guard !changes.isEmpty else { return }
    let numbers = changes.keys.sorted()
    let rows = try await connection.query(
      """
      UPDATE cases AS c SET anomalies = c.anomalies + x.n, red_anomalies = c.red_anomalies + x.r
      FROM unnest(\(numbers), \(numbers.map { changes[$0]!.count }),
        \(numbers.map { changes[$0]!.red })) AS x(k, n, r)
      WHERE c.case_number = x.k
      RETURNING c.accept_day, c.region_code, c.department_id, c.red_anomalies, x.r
      """, logger: logger
    ).collect()
    var figures = DailyFigures()
    for row in rows {
      let (day, region, department, now, red) = try row.decode(
        (Int?, String, String, Int, Int).self)
      guard let day, red != 0, (red > 0 && now == red) || (red < 0 && now == 0) else { continue }
      figures.add(
        .init(day: day, regionCode: region, departmentID: department), "red_carded",
        red > 0 ? 1 : -1)
    }
    try await figures.apply(on: connection, logger: logger)
  }

  static func load(
    _ id: String, forUpdate: Bool, on connection: PostgresConnection, logger: Logger
  ) async throws -> Anomaly {
    guard let anomaly = try await find(id, forUpdate: forUpdate, on: connection, logger: logger)
    else { throw ServiceError.notFound("no anomaly \(id)") }
    return anomaly
  }

  static func find(
    _ id: String, forUpdate: Bool, on connection: PostgresConnection, logger: Logger
  ) async throws -> Anomaly? {
    let query: PostgresQuery =
      forUpdate
      ? "SELECT body FROM anomalies WHERE id = \(id) FOR UPDATE"
      : "SELECT body FROM anomalies WHERE id = \(id)"
    let rows = try await connection.query(query, logger: logger).collect()
    return try rows.first.map { try Anomaly(bytea: try $0.decode(ByteBuffer.self)) }
  }
}
