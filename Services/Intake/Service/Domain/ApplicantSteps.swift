import Foundation
import HallAuth
import HallContracts
import HallServer
import SwiftProtobuf

/// The applicant's answers after submitting: a correction against the open notice
/// [一次告知], shortfall materials supplied [容缺], withdrawal. A clerk at the window may act
/// for the applicant; the visit is then recorded (INT-9).
enum ApplicantSteps {
  /// Answers the case's open notice with every material it lists. The case goes back to the
  /// window's decision or, for a notice from review, to the review, whose clock the caller
  /// runs again (``Review/resumeAfterCorrection(_:by:now:calendar:)``). Returns the notice.
  static func correct(
    _ kase: inout Case, materialIDs: [String], by principal: Principal, now: Date
  ) throws(ServiceError) -> CorrectionNotice {
    try CaseAccess.requireState(kase, in: [.correctionRequested], to: "submit a correction")
    guard let noticeIndex = kase.correctionNotices.lastIndex(where: { !$0.hasCorrectedTime })
    else {
      throw .failedPrecondition("case \(kase.caseNumber) has no open notice")
    }
    let notice = kase.correctionNotices[noticeIndex]
    try ApplicationInput.validate(
      materialIDs: materialIDs, known: Set(kase.materials.map(\.materialID)),
      field: "material_ids")
    let brought = Set(materialIDs)
    let lacking = notice.items.filter { !brought.contains($0.materialID) }
    guard lacking.isEmpty else {
      throw .invalidArgument(
        field: "material_ids",
        message: "notice \(notice.noticeNumber) also lists "
          + lacking.map { "\($0.materialID) \($0.materialName)" }.joined(separator: "、"))
    }
    for index in kase.materials.indices where brought.contains(kase.materials[index].materialID) {
      kase.materials[index].status = .provided
      kase.materials[index].note = ""
    }
    kase.correctionNotices[noticeIndex].correctedTime = .init(date: now)
    if principal.role == .clerk {
      Receipt.recordVisit(&kase, purpose: "补正材料", by: principal, now: now)
    }
    kase.state = notice.duringReview ? .inReview : .received
    return notice
  }

  /// Some or all of the promised materials supplied; the shortfall is settled when none is
  /// owed any more (Art. 36).
  static func supplyShortfall(
    _ kase: inout Case, materialIDs: [String], by principal: Principal, now: Date
  ) throws(ServiceError) -> CaseStep {
    guard !kase.state.isFinal else {
      throw .failedPrecondition("case \(kase.caseNumber) is \(CaseText.state(kase.state))")
    }
    guard kase.hasShortfall, !kase.shortfall.hasSuppliedTime else {
      throw .failedPrecondition("case \(kase.caseNumber) has no outstanding shortfall")
    }
    let promised = Set(kase.materials.filter { $0.status == .promised }.map(\.materialID))
    try ApplicationInput.validate(materialIDs: materialIDs, known: promised, field: "material_ids")
    guard !materialIDs.isEmpty else {
      throw .invalidArgument(field: "material_ids", message: "is empty")
    }
    for index in kase.materials.indices where materialIDs.contains(kase.materials[index].materialID)
    {
      kase.materials[index].status = .provided
    }
    if !kase.materials.contains(where: { $0.status == .promised }) {
      kase.shortfall.suppliedTime = .init(date: now)
    }
    if principal.role == .clerk {
      Receipt.recordVisit(&kase, purpose: "补齐容缺材料", by: principal, now: now)
    }
    return CaseStep(
      .shortfallSupplied,
      note: kase.shortfall.hasSuppliedTime ? "all promised materials supplied" : "partly supplied")
  }

  /// The applicant withdraws, at any time before the case is finished or its licence issued.
  static func withdraw(_ kase: inout Case, reason: String, now: Date) throws(ServiceError)
    -> CaseStep
  {
    guard !kase.state.isFinal, kase.state != .issued else {
      throw .failedPrecondition(
        "cannot withdraw: case \(kase.caseNumber) is \(CaseText.state(kase.state))")
    }
    kase.state = .withdrawn
    kase.finishTime = .init(date: now)
    return CaseStep(.withdrawn, note: reason)
  }
}
