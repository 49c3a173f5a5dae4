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
    let now = Date()
    try Text.require(request.itemCode, field: "item_code", max: 40)
    try ApplicationInput.validate(
      requestID: request.requestID, channel: request.channel, applicant: request.applicant,
      agent: request.hasAgent ? request.agent : nil, delivery: request.delivery,
      windowID: request.windowID, principal: principal, now: now)
    return try await once(request.requestID, "SubmitCase") { connection in
      let version = try await itemInForce(request.itemCode, now: now, on: connection)
      try ApplicationInput.validate(
        materialIDs: request.providedMaterialIds,
        known: Set(version.spec.materials.map(\.id)), field: "provided_material_ids")
      try ApplicationInput.validate(form: request.form, fields: version.spec.formFields)
      var kase = try await newCase(
        version: version, channel: request.channel, applicant: request.applicant,
        agent: request.hasAgent ? request.agent : nil, provided: Set(request.providedMaterialIds),
        form: request.form, delivery: request.delivery, windowID: request.windowID,
        by: principal, now: now, on: connection)
      try await serveTicket(request.ticketID, for: &kase, by: principal, on: connection)
      try await CaseStore.record(
        &kase, action: "received", isNew: true, on: connection, logger: logger, now: now)
      return kase
    }
  }

  /// The version of `code` in force now, or the precise reason there is none.
  func itemInForce(_ code: String, now: Date, on connection: PostgresConnection) async throws
    -> Hall_Catalog_V1_ItemVersion
  {
    switch try await CatalogReplica.item(
      code, on: Days.today(now: now), connection: connection, logger: logger)
    {
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
    version: Hall_Catalog_V1_ItemVersion, channel: Hall_Common_V1_Channel,
    applicant: Hall_Intake_V1_Applicant, agent: Hall_Intake_V1_AgentMandate?,
    provided: Set<String>, form: [String: String], delivery: Hall_Intake_V1_Delivery,
    windowID: String, applicationID: String = "", by principal: Principal, now: Date,
    on connection: PostgresConnection
  ) async throws -> Hall_Intake_V1_Case {
    var kase = Hall_Intake_V1_Case.with {
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
    kase.caseNumber = try await CaseStore.newCaseNumber(
      itemCode: version.itemCode, at: now, on: connection, logger: logger)
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
    ticket.serveTime = .init(date: Date())
    ticket.caseNumber = kase.caseNumber
    kase.ticketID = ticket.id
    try await save(ticket, action: "served", on: connection)
  }

  func acceptCase(
    request: Hall_Intake_V1_AcceptCaseRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    var decision = Acceptance.Request(
      shortfallCommitment: request.shortfallCommitment,
      shortfallWorkingDays: request.shortfallWorkingDays, refusalReason: request.refusalReason,
      refusalDetail: request.refusalDetail)
    for (index, defect) in request.defects.enumerated() {
      guard decision.defects.updateValue(defect.reason, forKey: defect.materialID) == nil else {
        throw ServiceError.invalidArgument(
          field: "defects[\(index)].material_id", message: "\(defect.materialID) is listed twice")
      }
    }
    return try await once(request.requestID, "AcceptCase") { connection in
      var kase = try await CaseStore.lock(request.caseNumber, on: connection, logger: logger)
      let principal = try CaseAccess.requireClerk(kase)
      try await accept(&kase, decision, by: principal, on: connection)
      return kase
    }
  }

  /// Decides and records acceptance; an on-the-spot item is decided in the same step
  /// (INT-6: 即办件 are decided at once, by the accepting window).
  func accept(
    _ kase: inout Hall_Intake_V1_Case, _ decision: Acceptance.Request, by principal: Principal,
    on connection: PostgresConnection
  ) async throws {
    let now = Date()
    let calendar = try await calendars.calendar(on: connection, logger: logger)
    let (action, note) = try await acceptance.decide(
      &kase, decision, by: principal, calendar: calendar, on: connection, now: now)
    try await CaseStore.record(
      &kase, action: action, note: note, on: connection, logger: logger, now: now)
    if action == "accepted", kase.category == .onTheSpot {
      kase.state = .approved
      kase.decision = .with {
        $0.approved = true
        $0.reason = "即办件，受理即办结"
        $0.time = .init(date: now)
        $0.decidedBy = principal.subject
      }
      try await CaseStore.record(
        &kase, action: "decided", note: "on the spot", on: connection, logger: logger, now: now)
    }
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
