/// The events on rating's feed (RAT-6), as rating_service.proto names them: supervision
/// follows "rating.rating.given", "rating.bad_review.<step>" and "rating.mark.recorded".
enum RatingEvent: Sendable, Equatable {
  /// "rating.rating.given": a rating, first or second (Rating).
  case ratingGiven
  /// "rating.invitation.worked": an invitation answered or worked by staff (Invitation).
  case invitationWorked
  /// "rating.mark.recorded": an attitude or environment mark (Mark).
  case markRecorded
  /// "rating.bad_review.<step>": a step of the bad-review loop (BadReview).
  case badReview(BadReviewAction)

  /// The event's type on the feed.
  var type: String {
    switch self {
    case .ratingGiven: "rating.rating.given"
    case .invitationWorked: "rating.invitation.worked"
    case .markRecorded: "rating.mark.recorded"
    case .badReview(let action): "rating.bad_review.\(action.rawValue)"
    }
  }
}

/// The actions of a bad review's history (RAT-3), one a step of the loop; each is also the
/// last part of the step's event type.
enum BadReviewAction: String, Sendable {
  case assigned
  case returnVisited = "return_visited"
  case classified
  case rectified
  case qualityPassed = "quality_passed"
  case qualityFailed = "quality_failed"
  case feedbackGiven = "feedback_given"
  case appealed
  case appealUpheld = "appeal_upheld"
  case appealRejected = "appeal_rejected"
}
