import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// Receipt from any channel (INT-1), the acceptance decision (INT-3) and the applicant's
/// answers: corrections, shortfall supplies, withdrawal.
extension IntakeRPC {
  var acceptance: Acceptance { Acceptance(policy: policy, logger: logger) }

  func submitCase(
    request: Hall_Intake_V1_SubmitCaseRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    let principal = try CaseAccess.caller
    let now = clock.now
    try Text.require(request.itemCode, field: "item_code", max: 40)
    try ApplicationInput.validate(
      requestID: request.requestID, channel: request.channel, applicant: request.applicant,
      agent: request.hasAgent ? request.agent : nil, delivery: request.delivery,
      windowID: request.windowID, principal: principal, now: now)
    let decision = try request.hasDecision ? Acceptance.Request(request.decision) : nil
    if decision != nil, principal.role != .clerk {
      throw ServiceError.permissionDenied("only a clerk decides acceptance")
    }
    // Without a ticket to serve, the call's one write is its last statement: no transaction.
    return try await run(request.requestID, "SubmitCase", transaction: !request.ticketID.isEmpty) {
      connection in
      // One round trip reads what the whole call needs; the next writes everything.
      let read = try await CatalogReplica.submission(
        request.itemCode, on: Days.today(now: now), connection: connection, logger: logger)
      let version = try inForce(read.standing, request.itemCode)
      try ApplicationInput.validate(
        channel: request.channel, offered: version.spec.channels, item: version.itemCode)
      try ApplicationInput.validate(
        materialIDs: request.providedMaterialIds,
        known: Set(version.spec.materials.map(\.id)), field: "provided_material_ids")
      try ApplicationInput.validate(form: request.form, fields: version.spec.formFields)
      var kase = newCase(
        version: version,
        caseNumber: CaseStore.caseNumber(
          itemCode: version.itemCode, at: now, sequence: read.sequence),
        channel: request.channel,
        applicant: request.applicant, agent: request.hasAgent ? request.agent : nil,
        provided: Set(request.providedMaterialIds), form: request.form,
        delivery: request.delivery, windowID: request.windowID, by: principal, now: now)
      try await serveTicket(request.ticketID, for: &kase, by: principal, on: connection)
      var events = [CaseStore.trace(&kase, action: "received", now: now)]
      if let decision {
        let calendar = try await calendars.calendar(
          revision: read.calendarRevision, on: connection, logger: logger)
        events += try await accept(
          &kase, decision, standing: read.standing, by: principal, calendar: calendar,
          on: connection, now: now)
      }
      return try CaseStore.saving(kase, isNew: true, events: events)
    }
  }

  /// The version of `code` in force now, or the precise reason there is none.
  func itemInForce(_ code: String, now: Date, on connection: PostgresConnection) async throws
    -> Hall_Catalog_V1_ItemVersion
  {
    try inForce(
      try await CatalogReplica.item(
        code, on: Days.today(now: now), connection: connection, logger: logger), code)
  }

  /// The version in force of an item standing so, or the precise reason there is none.
  func inForce(_ standing: CatalogReplica.ItemStanding, _ code: String) throws
    -> Hall_Catalog_V1_ItemVersion
  {
    switch standing {
    case .inForce(let version):
      return version
    case .cancelled(let last):
      throw ServiceError.failedPrecondition(
        "item \(code) is cancelled from \(Days.text(last.effectiveDate)) and cannot be applied for")
    case .notYetEffective(let first):
      throw ServiceError.failedPrecondition(
        "item \(code) is not in force before \(first)")
    case .unknown:
      throw ServiceError.notFound("item \(code) is not in the published catalog")
    }
  }

  /// A received case of `version`, not stored yet.
  func newCase(
    version: Hall_Catalog_V1_ItemVersion, caseNumber: String, channel: Hall_Common_V1_Channel,
    applicant: Hall_Intake_V1_Applicant, agent: Hall_Intake_V1_AgentMandate?,
    provided: Set<String>, form: [String: String], delivery: Hall_Intake_V1_Delivery,
    windowID: String, applicationID: String = "", by principal: Principal, now: Date
  ) -> Hall_Intake_V1_Case {
    var kase = Hall_Intake_V1_Case.with {
      $0.caseNumber = caseNumber
      $0.itemCode = version.itemCode
      $0.channel = channel
      $0.applicant = applicant
      if let agent { $0.agent = agent }
      $0.state = .received
      $0.receiveTime = .init(date: now)
      $0.receivedBy = principal.subject
      $0.form = form
      $0.delivery = delivery
      $0.applicationID = applicationID
      if principal.role == .clerk {
        $0.hallID = principal.hallID ?? ""
        $0.windowID = windowID
      }
    }
    Acceptance.adopt(version, into: &kase, provided: provided)
    if channel == .window {
      kase.visits.append(
        .with {
          $0.time = .init(date: now)
          $0.purpose = "提交申请"
          $0.recordedBy = principal.subject
        })
    }
    return kase
  }

  /// The ticket called to this clerk's window is served by opening the case.
  func serveTicket(
    _ ticketID: String, for kase: inout Hall_Intake_V1_Case, by principal: Principal,
    on connection: PostgresConnection
  ) async throws {
    guard !ticketID.isEmpty else { return }
    guard principal.role == .clerk else {
      throw ServiceError.invalidArgument(field: "ticket_id", message: "only a clerk serves tickets")
    }
    var ticket = try await lockTicket(ticketID, field: "ticket_id", on: connection)
    guard ticket.hallID == principal.hallID else {
      throw ServiceError.permissionDenied("ticket \(ticketID) is of another hall")
    }
    guard ticket.state == .called else {
      throw ServiceError.failedPrecondition(
        ticket.state == .waiting
          ? "ticket \(ticketID) has not been called to a window"
          : "ticket \(ticketID) is already finished")
    }
    ticket.state = .served
    ticket.serveTime = .init(date: clock.now)
    ticket.caseNumber = kase.caseNumber
    kase.ticketID = ticket.id
    try await save(ticket, action: "served", on: connection)
  }

  func acceptCase(
    request: Hall_Intake_V1_AcceptCaseRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    let decision = try Acceptance.Request(request)
    return try await run(request.requestID, "AcceptCase") { connection in
      var (kase, calendarRevision) = try await CaseStore.lockReadingCalendar(
        request.caseNumber, on: connection, logger: logger)
      let principal = try CaseAccess.requireClerk(kase)
      let events = try await accept(
        &kase, decision, calendarRevision: calendarRevision, by: principal, on: connection)
      return try CaseStore.saving(kase, isNew: false, events: events)
    }
  }

  /// Decides acceptance of a case locked with the calendar's revision (a case on its own, or
  /// a one-thing application's sub-case), against the item version in force now, returning
  /// the events of its steps for the caller to store with the case.
  func accept(
    _ kase: inout Hall_Intake_V1_Case, _ decision: Acceptance.Request, calendarRevision: Int64,
    by principal: Principal, on connection: PostgresConnection
  ) async throws -> [Outbox.Entry] {
    let now = clock.now
    let standing = try await CatalogReplica.item(
      kase.itemCode, on: Days.today(now: now), connection: connection, logger: logger)
    let calendar = try await calendars.calendar(
      revision: calendarRevision, on: connection, logger: logger)
    return try await accept(
      &kase, decision, standing: standing, by: principal, calendar: calendar, on: connection,
      now: now)
  }

  /// Decides acceptance against the item's standing now and traces each step, returning
  /// their events; an on-the-spot item is decided in the same step (INT-6: 即办件 are decided
  /// at once, by the accepting window).
  func accept(
    _ kase: inout Hall_Intake_V1_Case, _ decision: Acceptance.Request,
    standing: CatalogReplica.ItemStanding, by principal: Principal, calendar: WorkingCalendar,
    on connection: PostgresConnection, now: Date
  ) async throws -> [Outbox.Entry] {
    let (action, note) = try await acceptance.decide(
      &kase, decision, standing: standing, by: principal, calendar: calendar, on: connection,
      now: now)
    var events = [CaseStore.trace(&kase, action: action, note: note, now: now)]
    if action == "accepted", kase.category == .onTheSpot {
      kase.state = .approved
      kase.decision = .with {
        $0.approved = true
        $0.reason = "即办件，受理即办结"
        $0.time = .init(date: now)
        $0.decidedBy = principal.subject
      }
      events.append(CaseStore.trace(&kase, action: "decided", note: "on the spot", now: now))
    }
    return events
  }

  func submitCorrection(
    request: Hall_Intake_V1_SubmitCorrectionRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try await change(request.requestID, "SubmitCorrection", case: request.caseNumber) {
      kase, connection, now in
      let principal = try CaseAccess.requireApplicantOrClerk(kase)
      try CaseAccess.requireState(kase, in: [.correctionRequested], to: "submit a correction")
      guard let noticeIndex = kase.correctionNotices.lastIndex(where: { !$0.hasCorrectedTime })
      else {
        throw ServiceError.failedPrecondition("case \(kase.caseNumber) has no open notice")
      }
      let notice = kase.correctionNotices[noticeIndex]
      try ApplicationInput.validate(
        materialIDs: request.materialIds, known: Set(kase.materials.map(\.materialID)),
        field: "material_ids")
      let brought = Set(request.materialIds)
      let lacking = notice.items.filter { !brought.contains($0.materialID) }
      guard lacking.isEmpty else {
        throw ServiceError.invalidArgument(
          field: "material_ids",
          message: "notice \(notice.noticeNumber) also lists "
            + lacking.map { "\($0.materialID) \($0.materialName)" }.joined(separator: "、"))
      }
      for index in kase.materials.indices where brought.contains(kase.materials[index].materialID) {
        kase.materials[index].status = .provided
        kase.materials[index].note = ""
      }
      kase.correctionNotices[noticeIndex].correctedTime = .init(date: now)
      if principal.role == .clerk { recordVisit(&kase, purpose: "补正材料", by: principal, now: now) }
      if notice.duringReview {
        let calendar = try await calendars.calendar(on: connection, logger: logger)
        try DeadlineClock.close(
          &kase.deadline, kind: .correctionPause, now: now, calendar: calendar)
        if policy.correctionClock == .restart {
          try DeadlineClock.restart(
            &kase.deadline, reason: "材料补正齐全，重新计算办理时限", by: principal.subject, now: now,
            calendar: calendar)
        }
        kase.state = .inReview
      } else {
        kase.state = .received
      }
      return ("corrected", notice.noticeNumber)
    }
  }

  func supplyShortfall(
    request: Hall_Intake_V1_SupplyShortfallRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try await change(request.requestID, "SupplyShortfall", case: request.caseNumber) {
      kase, _, now in
      let principal = try CaseAccess.requireApplicantOrClerk(kase)
      guard !CaseStore.isFinished(kase.state) else {
        throw ServiceError.failedPrecondition(
          "case \(kase.caseNumber) is \(CaseText.state(kase.state))")
      }
      guard kase.hasShortfall, !kase.shortfall.hasSuppliedTime else {
        throw ServiceError.failedPrecondition(
          "case \(kase.caseNumber) has no outstanding shortfall")
      }
      let promised = Set(
        kase.materials.filter { $0.status == .promised }.map(\.materialID))
      try ApplicationInput.validate(
        materialIDs: request.materialIds, known: promised, field: "material_ids")
      guard !request.materialIds.isEmpty else {
        throw ServiceError.invalidArgument(field: "material_ids", message: "is empty")
      }
      for index in kase.materials.indices
      where request.materialIds.contains(kase.materials[index].materialID) {
        kase.materials[index].status = .provided
      }
      if !kase.materials.contains(where: { $0.status == .promised }) {
        kase.shortfall.suppliedTime = .init(date: now)
      }
      if principal.role == .clerk { recordVisit(&kase, purpose: "补齐容缺材料", by: principal, now: now) }
      return (
        "shortfall_supplied",
        kase.shortfall.hasSuppliedTime ? "all promised materials supplied" : "partly supplied"
      )
    }
  }

  func withdrawCase(
    request: Hall_Intake_V1_WithdrawCaseRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try Text.require(request.reason, field: "reason", max: 500)
    return try await change(request.requestID, "WithdrawCase", case: request.caseNumber) {
      kase, _, now in
      _ = try CaseAccess.requireApplicantOrClerk(kase)
      guard !CaseStore.isFinished(kase.state), kase.state != .issued else {
        throw ServiceError.failedPrecondition(
          "cannot withdraw: case \(kase.caseNumber) is \(CaseText.state(kase.state))")
      }
      kase.state = .withdrawn
      kase.finishTime = .init(date: now)
      return ("withdrawn", request.reason)
    }
  }

  func recordVisit(
    _ kase: inout Hall_Intake_V1_Case, purpose: String, by principal: Principal, now: Date
  ) {
    kase.visits.append(
      .with {
        $0.time = .init(date: now)
        $0.purpose = purpose
        $0.recordedBy = principal.subject
      })
  }
}
