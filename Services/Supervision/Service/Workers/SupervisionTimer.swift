import Foundation
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle

/// Raises what falls due as time passes (SUP-2, SUP-3): warnings, red cards and step limits
/// of cases no event touches. Each case keeps the instant of its next check, so a pass reads
/// only the cases due now, whatever the number of open ones. Several instances may run: each
/// takes the cases no other one has locked.
struct SupervisionTimer: Service {
  let client: PostgresClient
  let rules: SupervisionRules
  let calendars: CalendarSource
  let clock: WallClock
  let logger: Logger

  func run() async throws {
    while !Task.isCancelled {
      do {
        let started = ContinuousClock.now
        let checked = try await pass(now: clock.now)
        if checked > 0 {
          logger.info(
            "timer pass",
            metadata: ["cases": "\(checked)", "took": "\(ContinuousClock.now - started)"])
        }
      } catch  where !Task.isCancelled {
        logger.warning("timer pass failed", metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: .seconds(rules.timerIntervalSeconds))
    }
  }

  /// Judges every case whose next check is due at `now`, in batches; returns how many.
  @discardableResult
  func pass(now: Date) async throws -> Int {
    var total = 0
    while true {
      let checked = try await batch(now: now)
      total += checked
      if checked < rules.timerBatchSize { return total }
    }
  }

  /// Judges one batch of due cases in one transaction, written with a fixed number of
  /// statements; returns how many.
  func batch(now: Date) async throws -> Int {
    try await client.inTransaction(logger: logger) { db in
      let due = try await CaseStore(db: db).due(at: now, limit: rules.timerBatchSize)
      guard !due.isEmpty else { return 0 }
      let ledger = try await CaseLedger.open(on: db, rules: rules, calendars: calendars)
      let evidence = "timer \(CaseRules.text(now))"
      let outcomes = try due.map { old in
        Self.traced(
          try ledger.judge.judge(
            old.kase, old: old, refusalReason: nil, evidence: evidence, at: now),
          continuing: old.traceparent)
      }
      try await ledger.write(outcomes)
      return due.count
    }
  }

  /// What the timer raises on a case joins the case's trace (OPS-3): the card is marked
  /// there, and its events carry that mark's context to rating and to the city.
  static func traced(_ outcome: CaseJudge.Outcome, continuing traceparent: String?)
    -> CaseJudge.Outcome
  {
    guard !outcome.events.isEmpty,
      let context = Traces.mark(
        "supervision.timer raised", continuing: traceparent,
        attributes: [
          "hall.case_number": outcome.kase.caseNumber,
          "hall.events": outcome.events.map(\.type).joined(separator: ","),
        ])
    else { return outcome }
    var outcome = outcome
    for index in outcome.events.indices { outcome.events[index].traceContext = context }
    return outcome
  }
}

// In an extension, so that the memberwise initializer stays: a timer outside the running
// service (the benchmark's passes, the tests') is built from its parts.
extension SupervisionTimer {
  init(service: ServiceContext, rules: SupervisionRules) {
    self.init(
      client: service.client, rules: rules, calendars: service.calendars, clock: service.clock,
      logger: service.logger)
  }
}
