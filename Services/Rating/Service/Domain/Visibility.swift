import HallAuth
import HallContracts
import HallServer

/// What each caller sees of the ratings and bad reviews (SEC-1): an applicant their own
/// ratings, a department's staff their own department's records, and nobody but the
/// applicant the applicant's identity number in full.
enum Visibility {
  /// The filters of a listing of ratings: the department asked for, narrowed to the
  /// caller's own for department staff; an applicant's own ratings only.
  static func ratings(asked department: String, by caller: Principal) throws(ServiceError)
    -> (department: String, applicant: String)
  {
    switch caller.role {
    case .applicant: (department, caller.subject)
    case .approver, .departmentAdmin:
      (try ownDepartment(asked: department, by: caller, records: "ratings"), "")
    default: (department, "")
    }
  }

  /// The department filter of a listing of bad reviews: any for the supervising body, the
  /// caller's own for everyone else.
  static func badReviews(asked department: String, by caller: Principal) throws(ServiceError)
    -> String
  {
    guard caller.role != .supervisor else { return department }
    return try ownDepartment(asked: department, by: caller, records: "bad reviews")
  }

  /// A rating as `caller` sees it.
  static func shown(_ rating: RatingRecord, to caller: Principal) -> RatingRecord {
    guard caller.role != .applicant else { return rating }
    var rating = rating
    rating.applicantID = Masking.identifier(rating.applicantID)
    return rating
  }

  /// A bad review as staff see it in a listing.
  static func listed(_ review: BadReview) -> BadReview {
    var review = review
    review.rating.applicantID = Masking.identifier(review.rating.applicantID)
    return review
  }

  /// The caller's own department, whatever they asked for; "-", which matches none, when
  /// their token names none. (Unlike `Caller.visibleDepartment`, which refuses that caller.)
  private static func ownDepartment(asked: String, by caller: Principal, records: String)
    throws(ServiceError) -> String
  {
    guard asked.isEmpty || asked == caller.departmentID else {
      throw .permissionDenied("you see your own department's \(records)")
    }
    return caller.departmentID ?? "-"
  }
}
