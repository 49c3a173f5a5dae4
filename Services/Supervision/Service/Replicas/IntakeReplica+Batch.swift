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
    var current = try await store.lock(numbers)
    let known = try await Batch.lookups(
      departments: Set(cases.compactMap { $0?.departmentID }),
      tickets: Set(cases.compactMap { $0?.ticketID }.filter { !$0.isEmpty }), cases: numbers,
      on: db)
    var waits = known.waits
    var anomalies = known.anomalies
    let ledger = try await CaseLedger.open(on: db, rules: rules, calendars: calendars)
    var pending: [CaseJudge.Outcome] = []
    var traces: [String?] = []
    for (event, intakeCase) in zip(events, cases) {
      guard let intakeCase else {
        // A served ticket may judge its case again: what is pending is written first.
        try await ledger.write(pending, traces: traces)
        (pending, traces) = ([], [])
        try await EventSpans.applying(event, subscription: subscription) {
          try await apply(event, on: db)
        }
        let ticket = try Ticket(unpackingAny: event.payload)
        waits[ticket.id] = ticket.waitSeconds
        if !ticket.caseNumber.isEmpty, let stored = try await store.lock([ticket.caseNumber]).first
        {
          current[stored.key] = stored.value
        }
        continue
      }
      let number = intakeCase.caseNumber
      let facts = try IntakeFacts.of(
        intakeCase,
        regionCode: region(
          of: intakeCase, departmentRegion: known.regions[intakeCase.departmentID]),
        waitSeconds: waits[intakeCase.ticketID] ?? 0)
      let old = current[number]
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
      // The case as the next event of the batch finds it: a new red anomaly counts once.
      let newRed = outcome.anomalies.filter { (anomaly: Anomaly) in
        Anomalies.counts(anomaly.state) && anomaly.signal == .red
          && !anomalies.contains(anomaly.id)
      }.count
      anomalies.formUnion(outcome.anomalies.map { (anomaly: Anomaly) in anomaly.id })
      current[number] = StoredCase(
        kase: outcome.kase, redAnomalies: (old?.redAnomalies ?? 0) + newRed,
        traceparent: trace ?? old?.traceparent)
      pending.append(outcome)
      traces.append(trace)
    }
    try await ledger.write(pending, traces: traces)
  }

  /// What a batch reads besides its cases, in one round trip.
  enum Batch {
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
