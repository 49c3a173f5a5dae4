import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer

/// Receipt from any channel (INT-1) and the acceptance decision (INT-3), at the window in one
/// call or afterwards.
extension IntakeHandlers {
  func submitCase(request: SubmitCaseRequest, context: ServerContext) async throws -> Case {
    let principal = try Caller.required()
    let now = service.clock.now
    try Text.require(request.itemCode, field: "item_code", max: 40)
    try ApplicationInput.validate(request, principal: principal, now: now)
    let decision = try request.hasDecision ? Acceptance.Request(request.decision) : nil
    if decision != nil, principal.role != .clerk {
      throw ServiceError.permissionDenied("only a clerk decides acceptance")
    }
    // Without a ticket to serve, the call's one write is its last statement: no transaction.
    return try await service.change(
      request.requestID, context, transaction: !request.ticketID.isEmpty
    ) { db in
      // One round trip reads what the whole call needs; the next writes everything.
      let read = try await CatalogReplica(db: db).submission(
        request.itemCode, on: Days.today(now: now))
      let version = try read.standing.version(of: request.itemCode)
      try ApplicationInput.validate(request, against: version)
      var kase = Receipt.newCase(
        version: version,
        caseNumber: Receipt.caseNumber(
          prefix: service.identity.idPrefix, itemCode: version.itemCode, at: now,
          sequence: read.sequence),
        request: request, provided: Set(request.providedMaterialIds), form: request.form,
        by: principal, now: now)
      try await serveTicket(request.ticketID, for: &kase, by: principal, db: db, now: now)
      var events = [kase.trace(.received, now: now)]
      if let decision {
        let calendar = try await service.calendar(revision: read.calendarRevision, on: db)
        events += try await accept(
          &kase, decision, standing: read.standing, calendar: calendar, by: principal, db: db,
          now: now)
      }
      return try CaseStore.saving(kase, isNew: true, events: events)
    }
  }

  func acceptCase(request: AcceptCaseRequest, context: ServerContext) async throws -> Case {
    let decision = try Acceptance.Request(request)
    return try await service.change(request.requestID, context) { db in
      var (kase, calendarRevision) = try await CaseStore(db: db).lockReadingCalendar(
        request.caseNumber)
      let principal = try CaseAccess.requireClerk(kase)
      let events = try await accept(
        &kase, decision, calendarRevision: calendarRevision, by: principal, db: db)
      return try CaseStore.saving(kase, isNew: false, events: events)
    }
  }

  /// Decides acceptance of a case locked with the calendar's revision (a case on its own, or
  /// a one-thing application's sub-case), against the item version in force now, returning
  /// the events of its steps for the caller to store with the case.
  func accept(
    _ kase: inout Case, _ decision: Acceptance.Request, calendarRevision: Int64,
    by principal: Principal, db: Database
  ) async throws -> [Outbox.Entry] {
    let now = service.clock.now
    let standing = try await CatalogReplica(db: db).item(kase.itemCode, on: Days.today(now: now))
    let calendar = try await service.calendar(revision: calendarRevision, on: db)
    return try await accept(
      &kase, decision, standing: standing, calendar: calendar, by: principal, db: db, now: now)
  }

  /// Decides acceptance against the item's standing now and traces each step, returning
  /// their events. The applicant's record of broken commitments is read only for a
  /// shortfall acceptance, the one decision that depends on it.
  func accept(
    _ kase: inout Case, _ decision: Acceptance.Request, standing: ItemStanding,
    calendar: WorkingCalendar, by principal: Principal, db: Database, now: Date
  ) async throws -> [Outbox.Entry] {
    let acceptance = Acceptance(rules: rules)
    let step: CaseStep
    switch try acceptance.decide(
      &kase, decision, standing: standing, by: principal, calendar: calendar, now: now)
    {
    case .decided(let decided):
      step = decided
    case .shortfall(let terms):
      let ban = try await ShortfallBanStore(db: db).ban(
        of: kase.applicant.idNumber, on: Days.today(now: now))
      step = try acceptance.acceptWithShortfall(
        &kase, terms, ban: ban, by: principal, calendar: calendar, now: now)
    }
    return Acceptance.record(step, on: &kase, by: principal, now: now)
  }
}
