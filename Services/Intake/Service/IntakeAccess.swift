import HallAuth
import HallContracts

/// Who may call which intake method (SEC-1), by the contract's method descriptors. Which case
/// a caller may touch is checked per case (``CaseAccess``).
enum IntakeAccess {
  static var policy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = IntakeContract.Method
    policy.allow(.roles([.clerk, .applicant]), [M.IssueTicket.descriptor])
    policy.allow(
      .roles([.clerk]),
      [
        M.CallNextTicket.descriptor, M.FinishTicket.descriptor, M.ListTickets.descriptor,
        M.AcceptCase.descriptor, M.AcceptBundleApplication.descriptor, M.DeliverResult.descriptor,
        M.RecordFee.descriptor, M.RecordVisit.descriptor,
      ])
    policy.allow(
      .roles([.clerk, .applicant]),
      [
        M.SubmitCase.descriptor, M.SubmitCorrection.descriptor, M.SupplyShortfall.descriptor,
        M.WithdrawCase.descriptor, M.SubmitBundleApplication.descriptor,
      ])
    policy.allow(
      .roles([.approver]),
      [
        M.StartReview.descriptor, M.RequestCorrection.descriptor,
        M.StartSpecialProcedure.descriptor, M.EndSpecialProcedure.descriptor,
        M.ExtendDeadline.descriptor, M.DecideCase.descriptor, M.EscalateCase.descriptor,
        M.IssueLicence.descriptor,
      ])
    policy.allow(
      .roles([.clerk, .approver, .applicant, .supervisor, .departmentAdmin, .service]),
      [M.GetCase.descriptor, M.ListCases.descriptor, M.GetBundleApplication.descriptor])
    return policy
  }
}
