import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Results (INT-7): the licence is issued with a number unique in the deployment and
/// delivered as the applicant chose at application; fees against the item's standard and
/// visits are recorded (INT-9).
enum CaseResults {
  /// The licence's number: the one the department gives, or one made from the case number.
  static func licenceNumber(
    of kase: Case, _ request: IssueLicenceRequest, validUntil: CivilDate?, now: Date
  ) throws(ServiceError) -> String {
    if let validUntil, validUntil < Days.today(now: now) {
      throw .invalidArgument(field: "valid_until", message: "has already passed")
    }
    return request.licenceNumber.isEmpty ? "\(kase.caseNumber)-Z" : request.licenceNumber
  }

  /// Issued, under `number` (which the caller has claimed in the deployment).
  static func issueLicence(
    _ kase: inout Case, number: String, _ request: IssueLicenceRequest, by principal: Principal,
    now: Date
  ) -> CaseStep {
    kase.licence = .with {
      $0.number = number
      $0.name = request.licenceName
      $0.issueTime = .init(date: now)
      $0.issuedBy = principal.subject
      if request.hasValidUntil { $0.validUntil = request.validUntil }
    }
    kase.state = .issued
    return CaseStep(.licenceIssued, note: "\(request.licenceName) \(number)")
  }

  /// Delivered as the applicant chose: picked up, posted free (with its reference), or sent
  /// electronically.
  static func deliver(
    _ kase: inout Case, reference: String, by principal: Principal, now: Date
  ) throws(ServiceError) -> CaseStep {
    let method = kase.delivery.method
    if method == .freePost {
      try Text.require(reference, field: "reference", max: 60)
    } else if reference.count > 60 {
      throw .invalidArgument(field: "reference", message: "is longer than 60 characters")
    }
    // Picking the result up is a trip of its own, except for an on-the-spot item handed
    // over the day it was decided: the applicant has not left the hall.
    let today = Days.today(now: now)
    let sameSitting =
      kase.category == .onTheSpot && kase.visits.contains { Days.today(now: $0.time.date) == today }
    if method == .windowPickup, !sameSitting {
      Receipt.recordVisit(&kase, purpose: "领取证照", by: principal, now: now)
    }
    kase.delivery.deliveredTime = .init(date: now)
    kase.delivery.reference = reference
    kase.delivery.deliveredBy = principal.subject
    kase.state = .delivered
    kase.finishTime = .init(date: now)
    let how =
      switch method {
      case .windowPickup: "picked up at the window"
      case .freePost: "sent by free post \(reference)"
      default: "delivered electronically"
      }
    return CaseStep(.delivered, note: how)
  }

  /// No fee is charged on a case refused, withdrawn, or received and not yet decided.
  static func requireChargeable(_ kase: Case) throws(ServiceError) {
    guard kase.state != .refused, kase.state != .withdrawn, kase.state != .received else {
      throw .failedPrecondition(
        "cannot charge: case \(kase.caseNumber) is \(CaseText.state(kase.state))")
    }
  }

  /// A fee paid, against the standard of the version the case is handled under.
  static func recordFee(
    _ kase: inout Case, _ request: RecordFeeRequest, standard fee: Fee,
    by principal: Principal, now: Date
  ) -> CaseStep {
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
    return CaseStep(.feeRecorded, note: note)
  }

  /// A visit, counted against the most the guide promises.
  static func recordVisit(_ kase: inout Case, purpose: String, by principal: Principal, now: Date)
    -> CaseStep
  {
    Receipt.recordVisit(&kase, purpose: purpose, by: principal, now: now)
    let over = kase.visits.count > Int(kase.maxVisits)
    return CaseStep(
      .visitRecorded,
      note:
        "visit \(kase.visits.count) of at most \(kase.maxVisits)\(over ? ": more than promised" : "")"
    )
  }
}
