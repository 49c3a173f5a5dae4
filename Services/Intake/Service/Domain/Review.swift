import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// The back office (INT-5, INT-6): the owning department reviews, may ask for a correction
/// (the clock pauses), run special procedures, extend the limit within the law, decide, or
/// pass the case to the level that decides [报批件]. The caller checks who acts and reads
/// what a step needs (the calendar, the item's version, the department's level).
struct Review {
  let rules: IntakeRules

  func start(_ kase: inout Case) -> CaseStep {
    kase.state = .inReview
    return CaseStep(.reviewStarted)
  }

  /// One notice listing every material to correct, at once; the clock pauses.
  func requestCorrection(
    _ kase: inout Case, defects: [MaterialDefect], by principal: Principal, now: Date,
    calendar: WorkingCalendar
  ) throws -> CaseStep {
    var items: [CaseMaterial] = []
    for (index, defect) in defects.enumerated() {
      guard let position = kase.materials.firstIndex(where: { $0.materialID == defect.materialID })
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
    try DeadlineClock.pause(
      &kase.deadline, kind: .correctionPause, reason: "补正", by: principal.subject, now: now,
      calendar: calendar)
    return CaseStep(
      .correctionRequested, note: "\(items.count) materials to correct; the clock is paused")
  }

  /// The correction asked for in review is in: the pause ends, and under the "restart" rule
  /// the limit counts afresh from now.
  func resumeAfterCorrection(
    _ kase: inout Case, by principal: Principal, now: Date, calendar: WorkingCalendar
  ) throws {
    try DeadlineClock.close(&kase.deadline, kind: .correctionPause, now: now, calendar: calendar)
    if rules.correctionClock == .restart {
      try DeadlineClock.restart(
        &kase.deadline, reason: "材料补正齐全，重新计算办理时限", by: principal.subject, now: now,
        calendar: calendar)
    }
  }

  /// A special procedure the item's guide lists: its time counts inside the limit or pauses
  /// the clock, as the guide says, or else as the deployment's rules do.
  func startSpecialProcedure(
    _ kase: inout Case, name: String, reason: String, version: ItemVersion,
    by principal: Principal, now: Date, calendar: WorkingCalendar
  ) throws -> CaseStep {
    guard let procedure = version.spec.specialProcedures.first(where: { $0.name == name }) else {
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
      default: rules.specialProcedureTimeInside
      }
    try DeadlineClock.pause(
      &kase.deadline, kind: inside ? .specialProcedure : .specialProcedurePause,
      reason: "\(procedure.name): \(reason)", by: principal.subject, now: now, calendar: calendar)
    kase.state = .specialProcedure
    return CaseStep(
      .specialProcedureStarted,
      note: "\(procedure.name); \(inside ? "time counts inside the limit" : "the clock is paused")")
  }

  func endSpecialProcedure(
    _ kase: inout Case, result: String, now: Date, calendar: WorkingCalendar
  ) throws -> CaseStep {
    let kind: LedgerEntryKind =
      kase.deadline.ledger.contains { $0.kind == .specialProcedurePause && !$0.hasEndTime }
      ? .specialProcedurePause : .specialProcedure
    try DeadlineClock.close(
      &kase.deadline, kind: kind, result: result, now: now, calendar: calendar)
    kase.state = .inReview
    return CaseStep(.specialProcedureEnded, note: result)
  }

  /// A longer limit, within the statutory one plus what the law allows (行政许可法 §42).
  func extend(
    _ kase: inout Case, workingDays: Int32, reason: String, by principal: Principal, now: Date,
    calendar: WorkingCalendar
  ) throws -> CaseStep {
    guard kase.hasDeadline, kase.deadline.budgetWorkingDays > 0 else {
      throw ServiceError.failedPrecondition(
        "case \(kase.caseNumber) is an on-the-spot case or not accepted: no limit to extend")
    }
    // In Int: the request's days are bounded at the edge, the stored ones by this check, and
    // no sum of them may trap.
    let ceiling = Int(kase.deadline.statutoryWorkingDays) + rules.statutoryExtensionWorkingDays
    let total =
      Int(kase.deadline.budgetWorkingDays) + Int(kase.deadline.extensionWorkingDays)
      + Int(workingDays)
    guard total <= ceiling else {
      throw ServiceError.failedPrecondition(
        "the limit would be \(total) working days; the law allows at most \(ceiling) (statutory \(kase.deadline.statutoryWorkingDays) + \(rules.statutoryExtensionWorkingDays))"
      )
    }
    kase.deadline.ledger.append(
      .with {
        $0.kind = .extension
        $0.startTime = .init(date: now)
        $0.workingDays = workingDays
        $0.reason = reason
        $0.recordedBy = principal.subject
      })
    try DeadlineClock.derive(&kase.deadline, now: now, calendar: calendar)
    return CaseStep(.deadlineExtended, note: "+\(workingDays) working days: \(reason)")
  }

  /// Approves or denies; a case accepted with a shortfall is approved only once the
  /// promised materials are in (Art. 36).
  func decide(
    _ kase: inout Case, approve: Bool, reason: String, by principal: Principal, now: Date
  ) throws(ServiceError) -> CaseStep {
    if approve, kase.hasShortfall, !kase.shortfall.hasSuppliedTime {
      throw .failedPrecondition(
        "cannot approve: the shortfall materials of case \(kase.caseNumber) are not supplied yet (Art. 36)"
      )
    }
    kase.decision = .with {
      $0.approved = approve
      $0.reason = reason
      $0.time = .init(date: now)
      $0.decidedBy = principal.subject
    }
    if approve, kase.hasPassedFrom {
      // A case from a deployment below: its issue and delivery are there (FED-4).
      kase.state = .replied
      kase.finishTime = .init(date: now)
    } else if approve {
      kase.state = .approved
    } else {
      kase.state = .denied
      kase.finishTime = .init(date: now)
    }
    return CaseStep(.decided, note: approve ? "approved" : "denied: \(reason)")
  }

  /// Passed to a level above the owning department's (`ownLevel`, when the catalog has
  /// announced it), which decides [报批件]. To the deployment above in the network (`above`),
  /// the case is passed up and waits here for its decision (``Referrals``); to any other
  /// level it leaves this deployment.
  func escalate(
    _ kase: inout Case, _ request: EscalateCaseRequest, ownLevel: Int?,
    above: DeploymentIdentity.Neighbour?, by principal: Principal, now: Date,
    calendar: WorkingCalendar
  ) throws -> CaseStep {
    if let ownLevel, Int(request.toLevel.rawValue) >= ownLevel {
      throw ServiceError.invalidArgument(
        field: "to_level", message: "must be above the owning department's level (\(ownLevel))")
    }
    kase.category = .escalated
    kase.escalation = .with {
      $0.toLevel = request.toLevel
      $0.toAuthority = request.toAuthority
      $0.reason = request.reason
      $0.time = .init(date: now)
      $0.escalatedBy = principal.subject
    }
    if let above { return try Referrals.passUp(&kase, to: above, now: now, calendar: calendar) }
    kase.state = .escalated
    kase.finishTime = .init(date: now)
    return CaseStep(.escalated, note: "\(request.toAuthority): \(request.reason)")
  }
}
