import GRPCCore
import HallContracts
import HallServer

/// The applicant's answers (INT-3, INT-5): corrections, shortfall supplies, withdrawal.
extension IntakeHandlers {
  func submitCorrection(request: SubmitCorrectionRequest, context: ServerContext) async throws
    -> Case
  {
    try await changeCase(request.requestID, context, case: request.caseNumber) { kase, db, now in
      let principal = try CaseAccess.requireApplicantOrClerk(kase)
      let notice = try ApplicantSteps.correct(
        &kase, materialIDs: request.materialIds, by: principal, now: now)
      if notice.duringReview {
        try Review(rules: rules).resumeAfterCorrection(
          &kase, by: principal, now: now, calendar: try await service.calendar(on: db))
      }
      return CaseStep(.corrected, note: notice.noticeNumber)
    }
  }

  func supplyShortfall(request: SupplyShortfallRequest, context: ServerContext) async throws
    -> Case
  {
    try await changeCase(request.requestID, context, case: request.caseNumber) { kase, _, now in
      let principal = try CaseAccess.requireApplicantOrClerk(kase)
      return try ApplicantSteps.supplyShortfall(
        &kase, materialIDs: request.materialIds, by: principal, now: now)
    }
  }

  func withdrawCase(request: WithdrawCaseRequest, context: ServerContext) async throws -> Case {
    try Text.require(request.reason, field: "reason", max: 500)
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, _, now in
      _ = try CaseAccess.requireApplicantOrClerk(kase)
      return try ApplicantSteps.withdraw(&kase, reason: request.reason, now: now)
    }
  }
}
