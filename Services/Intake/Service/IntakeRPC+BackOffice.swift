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

/// The back office (INT-5, INT-6): the owning department reviews, may ask for a correction
/// (the clock pauses), run special procedures, extend the limit within the law, decide, or
/// pass the case to the level that decides [报批件].
extension IntakeRPC {
  func startReview(
    request: Hall_Intake_V1_StartReviewRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try await change(request.requestID, "StartReview", case: request.caseNumber) { kase, _, _ in
      _ = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(kase, in: [.accepted], to: "start the review")
      kase.state = .inReview
      return ("review_started", "")
    }
  }

  func requestCorrection(
    request: Hall_Intake_V1_RequestCorrectionRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    guard !request.defects.isEmpty else {
      throw ServiceError.invalidArgument(
        field: "defects", message: "list every material to correct, at once")
    }
    return try await change(request.requestID, "RequestCorrection", case: request.caseNumber) {
      kase, connection, now in
      let principal = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(kase, in: [.inReview], to: "request a correction")
      var items: [Hall_Intake_V1_CaseMaterial] = []
      for (index, defect) in request.defects.enumerated() {
        guard
          let position = kase.materials.firstIndex(where: { $0.materialID == defect.materialID })
        else {
          throw ServiceError.invalidArgument(
            field: "defects[\(index)].material_id",
            message: "\(defect.materialID) is not a material of the guide")
        }
        guard !items.contains(where: { $0.materialID == defect.materialID }) else {
          throw ServiceError.invalidArgument(
            field: "defects[\(index)].material_id", message: "\(defect.materialID) is listed twice")
        }
        try Text.require(defect.reason, field: "defects[\(index)].reason", max: 200)
        kase.materials[position].status = .defective
        kase.materials[position].note = defect.reason
        items.append(kase.materials[position])
      }
      Acceptance.requestCorrection(
        &kase, items: items, duringReview: true, by: principal.subject, now: now)
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      try DeadlineClock.pause(
        &kase.deadline, kind: .correctionPause, reason: "补正", by: principal.subject, now: now,
        calendar: calendar)
      return ("correction_requested", "\(items.count) materials to correct; the clock is paused")
    }
  }

  func startSpecialProcedure(
    request: Hall_Intake_V1_StartSpecialProcedureRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try Text.require(request.name, field: "name", max: 100)
    try Text.require(request.reason, field: "reason", max: 500)
    return try await change(
      request.requestID, "StartSpecialProcedure", case: request.caseNumber
    ) { kase, connection, now in
      let principal = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(kase, in: [.inReview], to: "start a special procedure")
      let version = try await CatalogReplica.version(
        kase.itemCode, kase.itemVersion, connection: connection, logger: logger)
      guard let procedure = version.spec.specialProcedures.first(where: { $0.name == request.name })
      else {
        let known = version.spec.specialProcedures.map(\.name)
        throw ServiceError.invalidArgument(
          field: "name",
          message: known.isEmpty
            ? "the item's guide lists no special procedure"
            : "must be one the guide lists: \(known.joined(separator: "、"))")
      }
      let inside =
        switch procedure.timeCounting {
        case .inside: true
        case .outside: false
        default: policy.specialProcedureTimeInside
        }
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      try DeadlineClock.pause(
        &kase.deadline, kind: inside ? .specialProcedure : .specialProcedurePause,
        reason: "\(procedure.name): \(request.reason)", by: principal.subject, now: now,
        calendar: calendar)
      kase.state = .specialProcedure
      return (
        "special_procedure_started",
        "\(procedure.name); \(inside ? "time counts inside the limit" : "the clock is paused")"
      )
    }
  }

  func endSpecialProcedure(
    request: Hall_Intake_V1_EndSpecialProcedureRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try Text.require(request.result, field: "result", max: 500)
    return try await change(
      request.requestID, "EndSpecialProcedure", case: request.caseNumber
    ) { kase, connection, now in
      _ = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(kase, in: [.specialProcedure], to: "end a special procedure")
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      let kind: Hall_Intake_V1_LedgerEntryKind =
        kase.deadline.ledger.contains { $0.kind == .specialProcedurePause && !$0.hasEndTime }
        ? .specialProcedurePause : .specialProcedure
      try DeadlineClock.close(
        &kase.deadline, kind: kind, result: request.result, now: now, calendar: calendar)
      kase.state = .inReview
      return ("special_procedure_ended", request.result)
    }
  }

  func extendDeadline(
    request: Hall_Intake_V1_ExtendDeadlineRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    guard request.workingDays >= 1 else {
      throw ServiceError.invalidArgument(field: "working_days", message: "must be at least 1")
    }
    try Text.require(request.reason, field: "reason", max: 500)
    return try await change(request.requestID, "ExtendDeadline", case: request.caseNumber) {
      kase, connection, now in
      let principal = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(
        kase, in: [.accepted, .inReview, .specialProcedure, .correctionRequested],
        to: "extend the limit")
      guard kase.hasDeadline, kase.deadline.budgetWorkingDays > 0 else {
        throw ServiceError.failedPrecondition(
          "case \(kase.caseNumber) is an on-the-spot case or not accepted: no limit to extend")
      }
      // In Int: the request's days are bounded at the edge, the stored ones by this check, and
      // no sum of them may trap.
      let ceiling =
        Int(kase.deadline.statutoryWorkingDays) + policy.statutoryExtensionWorkingDays
      let total =
        Int(kase.deadline.budgetWorkingDays) + Int(kase.deadline.extensionWorkingDays)
        + Int(request.workingDays)
      guard total <= ceiling else {
        throw ServiceError.failedPrecondition(
          "the limit would be \(total) working days; the law allows at most \(ceiling) (statutory \(kase.deadline.statutoryWorkingDays) + \(policy.statutoryExtensionWorkingDays))"
        )
      }
      kase.deadline.ledger.append(
        .with {
          $0.kind = .extension
          $0.startTime = .init(date: now)
          $0.workingDays = request.workingDays
          $0.reason = request.reason
          $0.recordedBy = principal.subject
        })
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      try DeadlineClock.derive(&kase.deadline, now: now, calendar: calendar)
      return ("deadline_extended", "+\(request.workingDays) working days: \(request.reason)")
    }
  }

  func decideCase(
    request: Hall_Intake_V1_DecideCaseRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    if !request.approve { try Text.require(request.reason, field: "reason", max: 1000) }
    return try await change(request.requestID, "DecideCase", case: request.caseNumber) {
      kase, _, now in
      let principal = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(kase, in: [.inReview], to: "decide")
      if request.approve, kase.hasShortfall, !kase.shortfall.hasSuppliedTime {
        throw ServiceError.failedPrecondition(
          "cannot approve: the shortfall materials of case \(kase.caseNumber) are not supplied yet (Art. 36)"
        )
      }
      kase.decision = .with {
        $0.approved = request.approve
        $0.reason = request.reason
        $0.time = .init(date: now)
        $0.decidedBy = principal.subject
      }
      if request.approve {
        kase.state = .approved
      } else {
        kase.state = .denied
        kase.finishTime = .init(date: now)
      }
      return ("decided", request.approve ? "approved" : "denied: \(request.reason)")
    }
  }

  func escalateCase(
    request: Hall_Intake_V1_EscalateCaseRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try Text.require(request.toAuthority, field: "to_authority", max: 200)
    try Text.require(request.reason, field: "reason", max: 500)
    let level = Int(request.toLevel.rawValue)
    guard (1...6).contains(level) else {
      throw ServiceError.invalidArgument(
        field: "to_level", message: "must be a level from NATIONAL to VILLAGE")
    }
    return try await change(request.requestID, "EscalateCase", case: request.caseNumber) {
      kase, connection, now in
      let principal = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(kase, in: [.accepted, .inReview], to: "escalate")
      if let own = try await CatalogReplica.departmentLevel(
        kase.departmentID, connection: connection, logger: logger), level >= own
      {
        throw ServiceError.invalidArgument(
          field: "to_level", message: "must be above the owning department's level (\(own))")
      }
      kase.state = .escalated
      kase.category = .escalated
      kase.finishTime = .init(date: now)
      kase.escalation = .with {
        $0.toLevel = request.toLevel
        $0.toAuthority = request.toAuthority
        $0.reason = request.reason
        $0.time = .init(date: now)
        $0.escalatedBy = principal.subject
      }
      return ("escalated", "\(request.toAuthority): \(request.reason)")
    }
  }
}
