import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// Anomalies (SUP-3), manual entries and their judgement (SUP-4), appeals (SUP-5) and
/// follow-up until closed, with red cards handed on for sanction (SUP-6); the rules of each
/// step are ``AnomalyLife``'s and ``FollowUps``'.
extension SupervisionHandlers {
  func getAnomaly(request: GetAnomalyRequest, context: ServerContext) async throws -> Anomaly {
    let anomaly = try await service.read { db in
      try await AnomalyStore(db: db).load(request.id, forUpdate: false)
    }
    try Self.visible(record: anomaly.departmentID)
    return anomaly
  }

  func listAnomalies(request: ListAnomaliesRequest, context: ServerContext) async throws
    -> ListAnomaliesResponse
  {
    let listing = try Listing(
      request, from: (request.raisedFrom, "raised_from"), to: (request.raisedTo, "raised_to"))
    let (anomalies, next) = listing.page(
      try await service.read { try await AnomalyStore(db: $0).page(request, listing) },
      key: \.id)
    return .with {
      $0.anomalies = anomalies
      $0.nextPageToken = next
    }
  }

  func recordManualEntry(request: RecordManualEntryRequest, context: ServerContext) async throws
    -> Anomaly
  {
    try AnomalyLife.checkManualEntry(request)
    let principal = try Caller.required()
    return try await service.change(request.requestID, context) { db in
      var anomaly = AnomalyLife.manualEntry(
        request, by: principal.subject, at: service.clock.now)
      try await place(&anomaly, request, on: db)
      let anomalies = AnomalyStore(db: db)
      anomaly.id = "M-\(try await anomalies.nextManualNumber())"
      try await anomalies.insert(anomaly)
      try await Audit.record(
        "record_manual_entry", target: anomaly.id, detail: "\(request.source)",
        on: db)
      return Change(anomaly)
    }
  }

  /// A manual entry is on the case it names, or in its department's region.
  private func place(_ anomaly: inout Anomaly, _ request: RecordManualEntryRequest, on db: Database)
    async throws
  {
    guard request.caseNumber.isEmpty else {
      guard let stored = try await CaseStore(db: db).lock(request.caseNumber) else {
        throw ServiceError.invalidArgument(
          field: "case_number", message: "supervision has no case \(request.caseNumber)")
      }
      AnomalyLife.attach(&anomaly, to: stored.kase)
      return
    }
    guard let region = try await CatalogReplica(db: db).region(of: request.departmentID) else {
      throw ServiceError.invalidArgument(
        field: "department_id", message: "no department \(request.departmentID)")
    }
    anomaly.regionCode = region
  }

  func judgeManualEntry(request: JudgeManualEntryRequest, context: ServerContext) async throws
    -> Anomaly
  {
    try AnomalyLife.checkJudgement(request)
    return try await change(request.requestID, context, request.id, .anomalyJudged) {
      anomaly, now, db in
      try AnomalyLife.awaitingJudgement(anomaly)
      let appealDue =
        request.anomalous
        ? try Anomalies.appealDue(
          raisedAt: now, calendar: try await service.calendar(on: db), rules: rules) : nil
      AnomalyLife.judge(&anomaly, request, at: now, appealDue: appealDue)
    }
  }

  func appealAnomaly(request: AppealAnomalyRequest, context: ServerContext) async throws
    -> Anomaly
  {
    try await step(request.reason, request.requestID, context, request.id, .anomalyAppealed) {
      try AnomalyLife.appeal(&$0, reason: request.reason, by: $1, at: $2, rules: rules)
    }
  }

  func decideAppeal(request: DecideAppealRequest, context: ServerContext) async throws
    -> Anomaly
  {
    try await step(request.reason, request.requestID, context, request.id, .appealDecided) {
      try AnomalyLife.decideAppeal(
        &$0, uphold: request.uphold, reason: request.reason, by: $1.subject, at: $2)
    }
  }

  /// An appeal or its decision: a reason, and the caller's step of the anomaly's life.
  private func step(
    _ reason: String, _ requestID: String, _ context: ServerContext, _ id: String,
    _ event: SupervisionEvent,
    _ body: (inout Anomaly, Principal, Date) throws -> Void
  ) async throws -> Anomaly {
    try Text.require(reason, field: "reason", max: 2000)
    let principal = try Caller.required()
    return try await change(requestID, context, id, event) { anomaly, now, _ in
      try body(&anomaly, principal, now)
    }
  }

  func recordFollowUp(request: RecordFollowUpRequest, context: ServerContext) async throws
    -> Anomaly
  {
    let principal = try Caller.required()
    try FollowUps.check(request, by: principal)
    return try await change(request.requestID, context, request.id, .anomalyFollowedUp) {
      anomaly, now, _ in
      try FollowUps.record(request, on: &anomaly, by: principal, at: now)
    }
  }

  /// One idempotent change of an anomaly: load under lock, check access, apply, and hand
  /// back the stored anomaly and its event, with the case's counters moved and the audit
  /// trail written.
  func change(
    _ requestID: String, _ context: ServerContext, _ id: String, _ event: SupervisionEvent,
    _ body: (inout Anomaly, Date, Database) async throws -> Void
  ) async throws -> Anomaly {
    try await service.change(requestID, context) { db in
      let anomalies = AnomalyStore(db: db)
      let old = try await anomalies.load(id, forUpdate: true)
      try Self.visible(record: old.departmentID)
      let now = service.clock.now
      var anomaly = old
      try await body(&anomaly, now, db)
      anomaly.updateTime = .init(date: now)
      try await anomalies.recount(anomaly, from: old)
      try await Audit.record(
        event.auditAction, target: id, on: db)
      return Change(
        anomaly, statement: try AnomalyStore.update(anomaly),
        events: [event.entry(anomaly.id, anomaly, at: now)])
    }
  }
}
