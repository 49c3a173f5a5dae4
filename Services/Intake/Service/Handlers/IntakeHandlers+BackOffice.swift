import GRPCCore
import HallContracts
import HallServer

/// The back office (INT-5, INT-6): the owning department's approver reviews, asks for a
/// correction, runs special procedures, extends the limit, decides or escalates
/// (``Review``), passing a case up to the deployment above (``Referrals``).
extension IntakeHandlers {
  var review: Review { Review(rules: rules) }

  func startReview(request: StartReviewRequest, context: ServerContext) async throws -> Case {
    try await changeCase(request.requestID, context, case: request.caseNumber) { kase, _, _ in
      _ = try CaseAccess.requireApprover(kase, in: [.accepted], to: "start the review")
      return review.start(&kase)
    }
  }

  func requestCorrection(request: RequestCorrectionRequest, context: ServerContext) async throws
    -> Case
  {
    guard !request.defects.isEmpty else {
      throw ServiceError.invalidArgument(
        field: "defects", message: "list every material to correct, at once")
    }
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, db, now in
      let principal = try CaseAccess.requireApprover(
        kase, in: [.inReview], to: "request a correction")
      return try review.requestCorrection(
        &kase, defects: request.defects, by: principal, now: now,
        calendar: try await service.calendar(on: db))
    }
  }

  func startSpecialProcedure(request: StartSpecialProcedureRequest, context: ServerContext)
    async throws -> Case
  {
    try Text.require(request.name, field: "name", max: 100)
    try Text.require(request.reason, field: "reason", max: 500)
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, db, now in
      let principal = try CaseAccess.requireApprover(
        kase, in: [.inReview], to: "start a special procedure")
      let version = try await CatalogReplica(db: db).item(kase.itemCode, version: kase.itemVersion)
      return try review.startSpecialProcedure(
        &kase, name: request.name, reason: request.reason, version: version, by: principal,
        now: now, calendar: try await service.calendar(on: db))
    }
  }

  func endSpecialProcedure(request: EndSpecialProcedureRequest, context: ServerContext)
    async throws -> Case
  {
    try Text.require(request.result, field: "result", max: 500)
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, db, now in
      _ = try CaseAccess.requireApprover(
        kase, in: [.specialProcedure], to: "end a special procedure")
      return try review.endSpecialProcedure(
        &kase, result: request.result, now: now, calendar: try await service.calendar(on: db))
    }
  }

  func extendDeadline(request: ExtendDeadlineRequest, context: ServerContext) async throws
    -> Case
  {
    guard request.workingDays >= 1 else {
      throw ServiceError.invalidArgument(field: "working_days", message: "must be at least 1")
    }
    try Text.require(request.reason, field: "reason", max: 500)
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, db, now in
      let principal = try CaseAccess.requireApprover(
        kase, in: [.accepted, .inReview, .specialProcedure, .correctionRequested],
        to: "extend the limit")
      return try review.extend(
        &kase, workingDays: request.workingDays, reason: request.reason, by: principal,
        now: now, calendar: try await service.calendar(on: db))
    }
  }

  func decideCase(request: DecideCaseRequest, context: ServerContext) async throws -> Case {
    if !request.approve { try Text.require(request.reason, field: "reason", max: 1000) }
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, _, now in
      let principal = try CaseAccess.requireApprover(kase, in: [.inReview], to: "decide")
      return try review.decide(
        &kase, approve: request.approve, reason: request.reason, by: principal, now: now)
    }
  }

  func escalateCase(request: EscalateCaseRequest, context: ServerContext) async throws -> Case {
    try Text.require(request.toAuthority, field: "to_authority", max: 200)
    try Text.require(request.reason, field: "reason", max: 500)
    guard (1...6).contains(Int(request.toLevel.rawValue)) else {
      throw ServiceError.invalidArgument(
        field: "to_level", message: "must be a level from NATIONAL to VILLAGE")
    }
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, db, now in
      let principal = try CaseAccess.requireApprover(
        kase, in: [.accepted, .inReview], to: "escalate")
      let ownLevel = try await CatalogReplica(db: db).departmentLevel(kase.departmentID)
      return try review.escalate(
        &kase, request, ownLevel: ownLevel, above: try passingUp(to: request.toLevel),
        by: principal, now: now, calendar: try await service.calendar(on: db))
    }
  }

  /// The deployment above, when `level` is its level (FED-4): its intake takes the case from
  /// this deployment's feed, and its reply comes back over the link to it, which must be
  /// known.
  func passingUp(to level: AdministrativeLevel) throws -> DeploymentIdentity.Neighbour? {
    guard let city = service.identity.parent, Referrals.level(city.level) == level else {
      return nil
    }
    guard city.addresses["intake"] != nil else {
      throw ServiceError.failedPrecondition(
        "the network file gives no intake address of \(city.name): its decision could not come back"
      )
    }
    return city
  }
}
