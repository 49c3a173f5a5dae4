import Foundation
import HallContracts
import HallDatabase
import HallServer

/// Supervision's record of each case (SUP-1, SUP-2): every new fact about a case, from a
/// feed, a report or the timer, goes through `record`, which judges it (``CaseJudge``) and
/// writes the case, the figures' change, what it announces and the anomalies it raised — in
/// the caller's transaction.
struct CaseLedger {
  let db: Database
  let judge: CaseJudge

  /// The ledger with the rules in force and the working calendar, read on `db`.
  static func open(
    on db: Database, rules: SupervisionRules, calendars: CalendarSource
  ) async throws -> CaseLedger {
    CaseLedger(
      db: db,
      judge: CaseJudge(
        rules: rules, book: try await RuleStore(db: db).book(),
        calendar: try await calendars.calendar(on: db)))
  }

  /// Records `facts` (what the source says now) over `old`, judged at `instant`.
  /// `refusalReason` is nil when the source says nothing about it (the timer).
  @discardableResult
  func record(
    _ facts: SupervisedCase, old: StoredCase?, refusalReason: String?, evidence: String,
    at instant: Date
  ) async throws -> SupervisedCase {
    let outcome = try judge.judge(
      facts, old: old, refusalReason: refusalReason, evidence: evidence, at: instant)
    try await write([outcome])
    return outcome.kase
  }

  /// Writes judged cases with a fixed number of statements however many there are: the
  /// timer's pass at the 17:00 closing, when a day's due times fall together, is one batch,
  /// and so is a batch of a feed (``IntakeReplica/apply(batch:subscription:on:)``), where one
  /// case may have been judged several times in order: its figures' changes add up, the
  /// last judgement is stored, and an anomaly raised twice is raised once. `traces` are the
  /// cases' traces when they were judged in several (one per outcome).
  func write(_ outcomes: [CaseJudge.Outcome], traces: [String?]? = nil) async throws {
    guard !outcomes.isEmpty else { return }
    var figures = DailyFigures()
    for outcome in outcomes { figures.add(outcome.figures) }
    try await FigureStore(db: db).add(figures)
    var last: [String: Int] = [:]
    for (index, outcome) in outcomes.enumerated() { last[outcome.kase.caseNumber] = index }
    let stored = outcomes.indices.filter { last[outcomes[$0].kase.caseNumber] == $0 }
    try await Outbox.append(
      outcomes.flatMap(\.events),
      alongside: try CaseStore.save(
        stored.map { outcomes[$0].kase }, next: stored.map { outcomes[$0].next },
        traces: traces.map { traces in stored.map { traces[$0] } }),
      on: db)
    var raised = Set<String>()
    try await AnomalyStore(db: db).insert(
      outcomes.flatMap(\.anomalies).filter { raised.insert($0.id).inserted })
  }
}
