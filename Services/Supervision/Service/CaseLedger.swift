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

/// Supervision's record of each case (SUP-1, SUP-2): every new fact about a case, from a
/// feed, a report or the timer, goes through `record`, which derives the cards, runs the
/// rules, keeps the figures in step and announces what it raised — in the caller's
/// transaction.
struct CaseLedger {
  typealias Case = Hall_Supervision_V1_SupervisedCase

  struct Stored {
    var kase: Case
    var redAnomalies: Int
  }

  let policy: SupervisionPolicy
  let rules: RuleBook
  let calendar: WorkingCalendar
  let logger: Logger

  static func prepare(
    policy: SupervisionPolicy, calendars: CalendarSource, on connection: PostgresConnection,
    logger: Logger
  ) async throws -> CaseLedger {
    CaseLedger(
      policy: policy, rules: try await RuleBook.load(on: connection, logger: logger),
      calendar: try await calendars.calendar(on: connection, logger: logger), logger: logger)
  }

  static func load(
    _ caseNumber: String, on connection: PostgresConnection, logger: Logger
  ) async throws -> Stored? {
    let rows = try await connection.query(
      "SELECT body, red_anomalies FROM cases WHERE case_number = \(caseNumber) FOR UPDATE",
      logger: logger
    ).collect()
    guard let row = rows.first else { return nil }
    let (body, red) = try row.decode((ByteBuffer, Int).self)
    return Stored(kase: try Case(bytea: body), redAnomalies: red)
  }

  /// What judging one case produced, before anything is written.
  struct Outcome {
    var kase: Case
    var next: Date?
    var figures: DailyFigures
    var events: [Outbox.Entry]
    var anomalies: [Hall_Supervision_V1_Anomaly]
  }

  /// Records `facts` (what the source says now) over `old`, judged at `instant`.
  /// `refusalReason` is nil when the source says nothing about it (the timer).
  @discardableResult
  func record(
    _ facts: Case, old: Stored?, refusalReason: String?, evidence: String, at instant: Date,
    on connection: PostgresConnection
  ) async throws -> Case {
    let outcome = try judge(
      facts, old: old, refusalReason: refusalReason, evidence: evidence, at: instant)
    try await write([outcome], on: connection)
    return outcome.kase
  }

  /// Derives the cards, runs the rules and works out the figures' change; writes nothing.
  func judge(
    _ facts: Case, old: Stored?, refusalReason: String?, evidence: String, at instant: Date
  ) throws -> Outcome {
    var kase = facts
    if let old {
      if old.kase.hasYellowCardTime { kase.yellowCardTime = old.kase.yellowCardTime }
      if old.kase.hasRedCardTime { kase.redCardTime = old.kase.redCardTime }
    }
    if kase.source != .feed {
      // A reported case's due time is its promised limit from acceptance (an on-the-spot
      // item: the close of the day received), derived with the calendar in force.
      kase.clearDueTime()
      let onTheSpot = kase.caseKind == .onTheSpot
      if onTheSpot || kase.hasAcceptTime {
        let from = onTheSpot ? kase.receiveTime.date : kase.acceptTime.date
        kase.dueTime = .init(
          date: try calendar.dueTime(after: Int(kase.promisedWorkingDays), from: from))
      }
    }
    kase.clearWarningTime()
    if kase.hasDueTime {
      let start = kase.hasAcceptTime ? kase.acceptTime.date : kase.receiveTime.date
      if let warning = try CaseTimeliness.warningTime(
        of: kase, start: start, policy: policy, calendar: calendar)
      {
        kase.warningTime = .init(date: warning)
      }
    }
    let nextCard = CaseTimeliness.evaluate(&kase, at: instant)
    let (findings, nextStep) = try CaseRules.findings(
      kase, refusalReason: refusalReason, at: instant, rules: rules, calendar: calendar)

    var figures = DailyFigures.of(kase, redAnomalies: old?.redAnomalies ?? 0)
    if let old { figures.add(DailyFigures.of(old.kase, redAnomalies: old.redAnomalies), sign: -1) }
    var events: [Outbox.Entry] = []
    if kase.hasYellowCardTime, old?.kase.hasYellowCardTime != true {
      events.append(
        .init(
          type: "supervision.card.yellow", aggregateID: kase.caseNumber, payload: kase,
          at: instant))
    }
    if kase.hasRedCardTime, old?.kase.hasRedCardTime != true {
      events.append(
        .init(
          type: "supervision.card.red", aggregateID: kase.caseNumber, payload: kase, at: instant))
    }
    let raised = try findings.compactMap { finding -> Hall_Supervision_V1_Anomaly? in
      guard let rule = rules.enabled(finding.code) else { return nil }
      let time = finding.code == RuleBook.Code.overdue ? kase.redCardTime.date : instant
      return try AnomalyStore.make(
        id: "\(kase.caseNumber)/\(finding.code)", rule: rule, summary: finding.summary,
        evidence: [evidence], kase: kase, time: time, calendar: calendar, policy: policy)
    }
    return Outcome(
      kase: kase, next: [nextCard, nextStep].compactMap { $0 }.min(), figures: figures,
      events: events, anomalies: raised)
  }

  /// Writes judged cases with a fixed number of statements however many there are: the
  /// timer's pass at the 17:00 closing, when a day's due times fall together, is one batch.
  func write(_ outcomes: [Outcome], on connection: PostgresConnection) async throws {
    guard !outcomes.isEmpty else { return }
    var figures = DailyFigures()
    for outcome in outcomes { figures.add(outcome.figures) }
    try await figures.apply(on: connection, logger: logger)
    let cases = outcomes.map(\.kase)
    // Arrays of optionals do not bind: -1 and a flag stand for "none".
    let acceptDays = cases.map {
      $0.hasAcceptTime ? CivilDate(chinaStandardTimeOf: $0.acceptTime.date).dayNumber : -1
    }
    try await connection.query(
      """
      INSERT INTO cases AS c (case_number, region_code, department_id, item_code, source, open,
        timeliness, receive_time, accept_day, next_check, body)
      SELECT k, r, d, i, s, o, t, rt, CASE WHEN ad >= 0 THEN ad END, CASE WHEN hn THEN nc END, b
      FROM unnest(\(cases.map(\.caseNumber)), \(cases.map(\.regionCode)),
        \(cases.map(\.departmentID)), \(cases.map(\.itemCode)),
        \(cases.map { Int16($0.source.rawValue) }), \(cases.map(\.open)),
        \(cases.map { Int16($0.timeliness.rawValue) }), \(cases.map(\.receiveTime.date)),
        \(acceptDays), \(outcomes.map { $0.next != nil }),
        \(outcomes.map { $0.next ?? Date(timeIntervalSince1970: 0) }),
        \(try cases.map { try $0.bytea() })) AS x(k, r, d, i, s, o, t, rt, ad, hn, nc, b)
      ON CONFLICT (case_number) DO UPDATE SET region_code = excluded.region_code,
        department_id = excluded.department_id, item_code = excluded.item_code,
        source = excluded.source, open = excluded.open, timeliness = excluded.timeliness,
        receive_time = excluded.receive_time, accept_day = excluded.accept_day,
        next_check = excluded.next_check, body = excluded.body
      """, logger: logger)
    try await Outbox.append(outcomes.flatMap(\.events), on: connection, logger: logger)
    try await AnomalyStore.insert(outcomes.flatMap(\.anomalies), on: connection, logger: logger)
  }
}
