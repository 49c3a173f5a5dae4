import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// A batch of intake's feed applied at once (FED-3): a city catching up with a district, or
/// any consumer behind, reads what the batch needs in a few statements (its cases locked,
/// their departments' regions, their tickets' waits, the anomalies they already have),
/// judges each event in order in memory (each in its own span, as one applied alone is)
/// and writes every judgement with the ledger's fixed number of statements. What it records
/// is what the events applied one by one would have recorded.
extension IntakeReplica {
  func apply(batch events: [FeedEvent], subscription: String, on db: Database) async throws {
    let cases = try events.map { event -> IntakeCase? in
      guard !event.type.hasPrefix(Self.ticketEvents) else { return nil }
      let intakeCase = try IntakeCase(unpackingAny: event.payload)
      try district?.check(intakeCase.caseNumber, "case")
      return intakeCase
    }
    let numbers = Array(Set(cases.compactMap { $0?.caseNumber }))
    let store = CaseStore(db: db)
    let locked = try await store.lock(numbers)
    let known = try await Batch.lookups(
      departments: Set(cases.compactMap { $0?.departmentID }),
      tickets: Set(cases.compactMap { $0?.ticketID }.filter { !$0.isEmpty }), cases: numbers,
      on: db)
    var state = Batch.State(current: locked, waits: known.waits, anomalies: known.anomalies)
    let ledger = try await CaseLedger.open(on: db, rules: rules, calendars: calendars)
    for (event, intakeCase) in zip(events, cases) {
      if let intakeCase {
        try await judge(
          event, intakeCase, regions: known.regions, ledger: ledger, subscription: subscription,
          into: &state)
        continue
      }
      // A served ticket may judge its case again: what is pending is written first.
      try await ledger.write(state.pending, traces: state.traces)
      (state.pending, state.traces) = ([], [])
      try await EventSpans.applying(event, subscription: subscription) {
        try await apply(event, on: db)
      }
      let ticket = try Ticket(unpackingAny: event.payload)
      state.waits[ticket.id] = ticket.waitSeconds
      if !ticket.caseNumber.isEmpty, let stored = try await store.lock([ticket.caseNumber]).first {
        state.current[stored.key] = stored.value
      }
    }
    try await ledger.write(state.pending, traces: state.traces)
  }

  /// Judges one case event in its own span against the case as the batch has left it, and
  /// leaves the case as the next event of the batch finds it.
  private func judge(
    _ event: FeedEvent, _ intakeCase: IntakeCase, regions: [String: String],
    ledger: CaseLedger, subscription: String, into state: inout Batch.State
  ) async throws {
    let number = intakeCase.caseNumber
    let facts = try IntakeFacts.of(
      intakeCase,
      regionCode: region(of: intakeCase, departmentRegion: regions[intakeCase.departmentID]),
      waitSeconds: state.waits[intakeCase.ticketID] ?? 0)
    let old = state.current[number]
    let (outcome, trace) = try await EventSpans.applying(event, subscription: subscription) {
      var outcome = try ledger.judge.judge(
        facts, old: old, refusalReason: IntakeFacts.refusalReason(intakeCase),
        evidence: "\(event.producer)#\(event.cursor) \(event.type)",
        at: event.occurredAt.date)
      // What the judgement announces continues the event's trace, as it would applied alone.
      let carrier = Traces.currentContext
      for index in outcome.events.indices where outcome.events[index].traceContext == nil {
        outcome.events[index].traceContext = carrier
      }
      return (outcome, Traces.currentParent)
    }
    // A new red anomaly counts once, however many events of the batch raise it.
    let newRed = outcome.anomalies.filter { (anomaly: Anomaly) in
      Anomalies.counts(anomaly.state) && anomaly.signal == .red
        && !state.anomalies.contains(anomaly.id)
    }.count
    state.anomalies.formUnion(outcome.anomalies.map { (anomaly: Anomaly) in anomaly.id })
    state.current[number] = StoredCase(
      kase: outcome.kase, redAnomalies: (old?.redAnomalies ?? 0) + newRed,
      traceparent: trace ?? old?.traceparent)
    state.pending.append(outcome)
    state.traces.append(trace)
  }

  /// What a batch reads besides its cases, in one round trip.
  enum Batch {
    /// What the batch has judged so far: its cases as the next event finds them, and the
    /// judgements not yet written.
    struct State {
      var current: [String: StoredCase]
      var waits: [String: Int64]
      var anomalies: Set<String>
      var pending: [CaseJudge.Outcome] = []
      var traces: [String?] = []
    }

    struct Known {
      var regions: [String: String]
      var waits: [String: Int64]
      /// The ids of the anomalies the batch's cases have already.
      var anomalies: Set<String>
    }

    static func lookups(
      departments: Set<String>, tickets: Set<String>, cases: [String], on db: Database
    ) async throws -> Known {
      let rows = try await db.query(
        """
        SELECT 'r', id, region_code, 0::int8 FROM departments WHERE id = ANY(\(Array(departments)))
        UNION ALL
        SELECT 'w', id, '', wait_seconds FROM tickets WHERE id = ANY(\(Array(tickets)))
        UNION ALL
        SELECT 'a', id, '', 0::int8 FROM anomalies WHERE case_number = ANY(\(cases))
        """)
      var known = Known(regions: [:], waits: [:], anomalies: [])
      for row in rows {
        let (kind, id, region, wait) = try row.decode((String, String, String, Int64).self)
        switch kind {
        case "r": known.regions[id] = region
        case "w": known.waits[id] = wait
        default: known.anomalies.insert(id)
        }
      }
      return known
    }
  }
}
