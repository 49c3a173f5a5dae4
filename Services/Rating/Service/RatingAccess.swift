import HallAuth
import HallContracts

/// Who may call which of rating's methods (SEC-1): applicants rate their own cases, the
/// supervising body works invitations, checks rectifications, decides appeals and records
/// marks, the handling department works its bad reviews.
enum RatingAccess {
  static var policy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = RatingContract.Method
    policy.allow(.roles([.applicant]), [M.SubmitRating.descriptor])
    policy.allow(
      .roles([.applicant, .supervisor, .approver, .departmentAdmin, .service]),
      [M.ListRatings.descriptor])
    policy.allow(
      .roles([.supervisor]),
      [
        M.ListInvitations.descriptor, M.RecordInvitationOutcome.descriptor,
        M.CheckRectification.descriptor, M.DecideAppeal.descriptor, M.RecordMark.descriptor,
        M.GetFigures.descriptor,
      ])
    policy.allow(
      .roles([.approver, .departmentAdmin]),
      [
        M.RecordReturnVisit.descriptor, M.ClassifyBadReview.descriptor,
        M.RecordRectification.descriptor, M.GiveFeedback.descriptor, M.AppealBadReview.descriptor,
      ])
    policy.allow(
      .roles([.supervisor, .approver, .departmentAdmin]),
      [M.GetBadReview.descriptor, M.ListBadReviews.descriptor])
    return policy
  }
}
