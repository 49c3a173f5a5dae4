import GRPCCore
import HallContracts
import HallServer

/// Results (INT-7): the licence issued and delivered; fees and visits recorded (INT-9)
/// (``CaseResults``).
extension IntakeHandlers {
  func issueLicence(request: IssueLicenceRequest, context: ServerContext) async throws -> Case {
    try Text.require(request.licenceName, field: "licence_name", max: 100)
    if !request.licenceNumber.isEmpty {
      try Text.require(request.licenceNumber, field: "licence_number", max: 60)
    }
    let validUntil =
      request.hasValidUntil ? try Days.civil(request.validUntil, field: "valid_until") : nil
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, db, now in
      let principal = try CaseAccess.requireApprover(kase, in: [.approved], to: "issue the licence")
      let number = try CaseResults.licenceNumber(
        of: kase, request, validUntil: validUntil, now: now)
      try await LicenceStore(db: db).claim(number, for: kase.caseNumber)
      return CaseResults.issueLicence(&kase, number: number, request, by: principal, now: now)
    }
  }

  func deliverResult(request: DeliverResultRequest, context: ServerContext) async throws -> Case {
    try await changeCase(request.requestID, context, case: request.caseNumber) { kase, _, now in
      let principal = try CaseAccess.requireClerk(kase)
      try CaseAccess.requireState(kase, in: [.issued], to: "deliver the result")
      return try CaseResults.deliver(&kase, reference: request.reference, by: principal, now: now)
    }
  }

  func recordFee(request: RecordFeeRequest, context: ServerContext) async throws -> Case {
    guard request.amountFen >= 1 else {
      throw ServiceError.invalidArgument(field: "amount_fen", message: "must be at least 1 fen")
    }
    try Text.require(request.receiptNumber, field: "receipt_number", max: 60)
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, db, now in
      let principal = try CaseAccess.requireClerk(kase)
      try CaseResults.requireChargeable(kase)
      let version = try await CatalogReplica(db: db).item(kase.itemCode, version: kase.itemVersion)
      return CaseResults.recordFee(
        &kase, request, standard: version.spec.fee, by: principal, now: now)
    }
  }

  func recordVisit(request: RecordVisitRequest, context: ServerContext) async throws -> Case {
    try Text.require(request.purpose, field: "purpose", max: 100)
    return try await changeCase(request.requestID, context, case: request.caseNumber) {
      kase, _, now in
      let principal = try CaseAccess.requireClerk(kase)
      return CaseResults.recordVisit(&kase, purpose: request.purpose, by: principal, now: now)
    }
  }
}
