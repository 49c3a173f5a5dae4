package import HallContracts

// Which contract messages share which fields: the commands' shared paths (Changes.swift,
// CommandOptions.swift, AcceptanceOptions.swift, SubmissionOptions.swift) rely on these
// shapes, declared once here.

/// A step on one case names it by its number.
package protocol CaseStepRequest: StepRequest {
  var caseNumber: String { get set }
}

extension CaseStepRequest {
  package mutating func target(_ id: String) { caseNumber = id }
}

/// A step on a bad review or an anomaly names it by its id.
protocol IdentifiedStepRequest: StepRequest {
  var id: String { get set }
}

extension IdentifiedStepRequest {
  package mutating func target(_ id: String) { self.id = id }
}

extension Hall_Intake_V1_AcceptBundleApplicationRequest: StepRequest {
  package mutating func target(_ id: String) { applicationID = id }
}

extension Hall_Intake_V1_FinishTicketRequest: StepRequest {
  package mutating func target(_ id: String) { ticketID = id }
}

// Changes sent under the command line's key.
extension Hall_Intake_V1_CallNextTicketRequest: KeyedRequest {}
extension Hall_Intake_V1_IssueTicketRequest: KeyedRequest {}
extension Hall_Rating_V1_RecordInvitationOutcomeRequest: KeyedRequest {}
extension Hall_Rating_V1_RecordMarkRequest: KeyedRequest {}
extension Hall_Rating_V1_SubmitRatingRequest: KeyedRequest {}
extension Hall_Supervision_V1_ImportCasesRequest: KeyedRequest {}
extension Hall_Supervision_V1_RecordManualEntryRequest: KeyedRequest {}
extension Hall_Supervision_V1_SetScoreModelRequest: KeyedRequest {}

// Steps on one case.
extension Hall_Intake_V1_AcceptCaseRequest: CaseStepRequest {}
extension Hall_Intake_V1_DecideCaseRequest: CaseStepRequest {}
extension Hall_Intake_V1_DeliverResultRequest: CaseStepRequest {}
extension Hall_Intake_V1_EndSpecialProcedureRequest: CaseStepRequest {}
extension Hall_Intake_V1_EscalateCaseRequest: CaseStepRequest {}
extension Hall_Intake_V1_ExtendDeadlineRequest: CaseStepRequest {}
extension Hall_Intake_V1_IssueLicenceRequest: CaseStepRequest {}
extension Hall_Intake_V1_RecordFeeRequest: CaseStepRequest {}
extension Hall_Intake_V1_RecordVisitRequest: CaseStepRequest {}
extension Hall_Intake_V1_RequestCorrectionRequest: CaseStepRequest {}
extension Hall_Intake_V1_StartReviewRequest: CaseStepRequest {}
extension Hall_Intake_V1_StartSpecialProcedureRequest: CaseStepRequest {}
extension Hall_Intake_V1_SubmitCorrectionRequest: CaseStepRequest {}
extension Hall_Intake_V1_SupplyShortfallRequest: CaseStepRequest {}
extension Hall_Intake_V1_WithdrawCaseRequest: CaseStepRequest {}

// Steps on a bad review or an anomaly.
extension Hall_Rating_V1_AppealBadReviewRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_CheckRectificationRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_ClassifyBadReviewRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_DecideAppealRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_GiveFeedbackRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_RecordRectificationRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_RecordReturnVisitRequest: IdentifiedStepRequest {}
extension Hall_Supervision_V1_AppealAnomalyRequest: IdentifiedStepRequest {}
extension Hall_Supervision_V1_DecideAppealRequest: IdentifiedStepRequest {}
extension Hall_Supervision_V1_JudgeManualEntryRequest: IdentifiedStepRequest {}
extension Hall_Supervision_V1_RecordFollowUpRequest: IdentifiedStepRequest {}

// Listings, a page at a time.
extension Hall_Intake_V1_ListCasesRequest: PagedRequest {}
extension Hall_Intake_V1_ListTicketsRequest: PagedRequest {}
extension Hall_Rating_V1_ListBadReviewsRequest: PagedRequest {}
extension Hall_Rating_V1_ListInvitationsRequest: PagedRequest {}
extension Hall_Rating_V1_ListRatingsRequest: PagedRequest {}
extension Hall_Supervision_V1_ListAnomaliesRequest: PagedRequest {}
extension Hall_Supervision_V1_QueryCasesRequest: PagedRequest {}

// Their answers, which end with where the next page starts.
extension Hall_Intake_V1_ListCasesResponse: PagedResponse {}
extension Hall_Intake_V1_ListTicketsResponse: PagedResponse {}
extension Hall_Rating_V1_ListBadReviewsResponse: PagedResponse {}
extension Hall_Rating_V1_ListInvitationsResponse: PagedResponse {}
extension Hall_Rating_V1_ListRatingsResponse: PagedResponse {}
extension Hall_Supervision_V1_ListAnomaliesResponse: PagedResponse {}
extension Hall_Supervision_V1_QueryCasesResponse: PagedResponse {}

// Acceptance decisions, of a case or of a one-thing application.
extension Hall_Intake_V1_AcceptBundleApplicationRequest: AcceptanceRequest {}
extension Hall_Intake_V1_AcceptCaseRequest: AcceptanceRequest {}

// Decisions on appeals, of a bad review or of an anomaly.
extension Hall_Rating_V1_DecideAppealRequest: AppealDecisionRequest {}
extension Hall_Supervision_V1_DecideAppealRequest: AppealDecisionRequest {}

// Submissions at the window or online, of a case or of a one-thing application.
extension Hall_Intake_V1_SubmitBundleApplicationRequest: SubmissionRequest {}
extension Hall_Intake_V1_SubmitCaseRequest: SubmissionRequest {}
