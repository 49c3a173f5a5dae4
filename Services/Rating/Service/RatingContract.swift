import HallContracts

// Short names for the contract's types (proto/hall/rating/v1, and the records of intake and
// supervision that rating keeps), so that the code below reads in the domain's words.

typealias RatingContract = Hall_Rating_V1_RatingService

/// A rating; `Rating` names the service's definition.
typealias RatingRecord = Hall_Rating_V1_Rating
typealias Satisfaction = Hall_Rating_V1_Satisfaction
typealias RatingChannel = Hall_Rating_V1_RatingChannel
typealias Invitation = Hall_Rating_V1_Invitation
typealias InvitationOutcome = Hall_Rating_V1_InvitationOutcome
typealias BadReview = Hall_Rating_V1_BadReview
typealias BadReviewState = Hall_Rating_V1_BadReviewState
typealias BadReviewClass = Hall_Rating_V1_BadReviewClass
/// An entry of a bad review's history.
typealias BadReviewStep = Hall_Rating_V1_BadReviewStep
typealias AppealGround = Hall_Rating_V1_AppealGround
typealias Rectification = Hall_Rating_V1_Rectification
typealias Mark = Hall_Rating_V1_Mark
typealias FigureRow = Hall_Rating_V1_FigureRow
typealias FigureGrouping = Hall_Rating_V1_FigureGrouping

typealias SubmitRatingRequest = Hall_Rating_V1_SubmitRatingRequest
typealias ListRatingsRequest = Hall_Rating_V1_ListRatingsRequest
typealias ListRatingsResponse = Hall_Rating_V1_ListRatingsResponse
typealias ListInvitationsRequest = Hall_Rating_V1_ListInvitationsRequest
typealias ListInvitationsResponse = Hall_Rating_V1_ListInvitationsResponse
typealias RecordInvitationOutcomeRequest = Hall_Rating_V1_RecordInvitationOutcomeRequest
typealias GetBadReviewRequest = Hall_Rating_V1_GetBadReviewRequest
typealias ListBadReviewsRequest = Hall_Rating_V1_ListBadReviewsRequest
typealias ListBadReviewsResponse = Hall_Rating_V1_ListBadReviewsResponse
typealias RecordReturnVisitRequest = Hall_Rating_V1_RecordReturnVisitRequest
typealias ClassifyBadReviewRequest = Hall_Rating_V1_ClassifyBadReviewRequest
typealias RecordRectificationRequest = Hall_Rating_V1_RecordRectificationRequest
typealias CheckRectificationRequest = Hall_Rating_V1_CheckRectificationRequest
typealias GiveFeedbackRequest = Hall_Rating_V1_GiveFeedbackRequest
typealias AppealBadReviewRequest = Hall_Rating_V1_AppealBadReviewRequest
typealias DecideAppealRequest = Hall_Rating_V1_DecideAppealRequest
typealias RecordMarkRequest = Hall_Rating_V1_RecordMarkRequest
typealias GetFiguresRequest = Hall_Rating_V1_GetFiguresRequest
typealias GetFiguresResponse = Hall_Rating_V1_GetFiguresResponse

/// A case as intake's feed carries it.
typealias IntakeCase = Hall_Intake_V1_Case
/// An anomaly as supervision's feed carries it.
typealias Anomaly = Hall_Supervision_V1_Anomaly
