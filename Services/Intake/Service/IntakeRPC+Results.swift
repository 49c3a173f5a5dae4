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

/// Results (INT-7): the licence is issued with a number unique in the deployment and
/// delivered as the applicant chose at application; fees against the item's standard and
/// on-site visits are recorded (INT-9).
extension IntakeRPC {
  func issueLicence(
    request: Hall_Intake_V1_IssueLicenceRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try Text.require(request.licenceName, field: "licence_name", max: 100)
    if !request.licenceNumber.isEmpty {
      try Text.require(request.licenceNumber, field: "licence_number", max: 60)
    }
    let validUntil =
      request.hasValidUntil ? try Days.civil(request.validUntil, field: "valid_until") : nil
    return try await change(request.requestID, "IssueLicence", case: request.caseNumber) {
      kase, connection, now in
      let principal = try CaseAccess.requireApprover(kase)
      try CaseAccess.requireState(kase, in: [.approved], to: "issue the licence")
      if let validUntil, validUntil < Days.today(now: now) {
        throw ServiceError.invalidArgument(field: "valid_until", message: "has already passed")
      }
      let number = request.licenceNumber.isEmpty ? "\(kase.caseNumber)-Z" : request.licenceNumber
      let inserted = try await connection.query(
        """
        INSERT INTO licences (number, case_number) VALUES (\(number), \(kase.caseNumber))
        ON CONFLICT (number) DO NOTHING RETURNING 1
        """, logger: logger
      ).collect()
      guard !inserted.isEmpty else {
        throw ServiceError.alreadyExists("licence number \(number) is already issued")
      }
      kase.licence = .with {
        $0.number = number
        $0.name = request.licenceName
        $0.issueTime = .init(date: now)
        $0.issuedBy = principal.subject
        if request.hasValidUntil { $0.validUntil = request.validUntil }
      }
      kase.state = .issued
      return ("licence_issued", "\(request.licenceName) \(number)")
    }
  }

  func deliverResult(
    request: Hall_Intake_V1_DeliverResultRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try await change(request.requestID, "DeliverResult", case: request.caseNumber) {
      kase, _, now in
      let principal = try CaseAccess.requireClerk(kase)
      try CaseAccess.requireState(kase, in: [.issued], to: "deliver the result")
      let method = kase.delivery.method
      if method == .freePost {
        try Text.require(request.reference, field: "reference", max: 60)
      } else if request.reference.count > 60 {
        throw ServiceError.invalidArgument(
          field: "reference", message: "is longer than 60 characters")
      }
      // Picking the result up is a trip of its own, except for an on-the-spot item handed
      // over the day it was decided: the applicant has not left the hall.
      let today = Days.today(now: now)
      let sameSitting =
        kase.category == .onTheSpot
        && kase.visits.contains { Days.today(now: $0.time.date) == today }
      if method == .windowPickup, !sameSitting {
        recordVisit(&kase, purpose: "领取证照", by: principal, now: now)
      }
      kase.delivery.deliveredTime = .init(date: now)
      kase.delivery.reference = request.reference
      kase.delivery.deliveredBy = principal.subject
      kase.state = .delivered
      kase.finishTime = .init(date: now)
      let how =
        switch method {
        case .windowPickup: "picked up at the window"
        case .freePost: "sent by free post \(request.reference)"
        default: "delivered electronically"
        }
      return ("delivered", how)
    }
  }

  func recordFee(
    request: Hall_Intake_V1_RecordFeeRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    guard request.amountFen >= 1 else {
      throw ServiceError.invalidArgument(field: "amount_fen", message: "must be at least 1 fen")
    }
    try Text.require(request.receiptNumber, field: "receipt_number", max: 60)
    return try await change(request.requestID, "RecordFee", case: request.caseNumber) {
      kase, connection, now in
      let principal = try CaseAccess.requireClerk(kase)
      guard kase.state != .refused, kase.state != .withdrawn, kase.state != .received else {
        throw ServiceError.failedPrecondition(
          "cannot charge: case \(kase.caseNumber) is \(CaseText.state(kase.state))")
      }
      let fee = try await CatalogReplica.version(
        kase.itemCode, kase.itemVersion, connection: connection, logger: logger
      ).spec.fee
      let perStandard = fee.charged && (fee.amountFen == 0 || fee.amountFen == request.amountFen)
      kase.fees.append(
        .with {
          $0.amountFen = request.amountFen
          $0.standardAmountFen = fee.charged ? fee.amountFen : 0
          $0.perStandard = perStandard
          $0.receiptNumber = request.receiptNumber
          $0.time = .init(date: now)
          $0.recordedBy = principal.subject
        })
      let note =
        perStandard
        ? "\(request.amountFen) fen per the standard"
        : fee.charged
          ? "\(request.amountFen) fen, standard \(fee.amountFen) fen: not per the standard"
          : "\(request.amountFen) fen charged on an item without a fee"
      return ("fee_recorded", note)
    }
  }

  func recordVisit(
    request: Hall_Intake_V1_RecordVisitRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    try Text.require(request.purpose, field: "purpose", max: 100)
    return try await change(request.requestID, "RecordVisit", case: request.caseNumber) {
      kase, _, now in
      let principal = try CaseAccess.requireClerk(kase)
      recordVisit(&kase, purpose: request.purpose, by: principal, now: now)
      let over = kase.visits.count > Int(kase.maxVisits)
      return (
        "visit_recorded",
        "visit \(kase.visits.count) of at most \(kase.maxVisits)\(over ? ": more than promised" : "")"
      )
    }
  }
}
