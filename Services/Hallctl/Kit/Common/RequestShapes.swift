package import HallContracts

// Which contract messages share which fields: the commands' shared paths (Changes.swift,
// CommandOptions.swift, AcceptanceOptions.swift, SubmissionOptions.swift,
// LateReportOptions.swift, WindowOptions.swift) rely on these shapes, declared once here.

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

extension AcceptBundleApplicationRequest: StepRequest {
  package mutating func target(_ id: String) { applicationID = id }
}

extension FinishTicketRequest: StepRequest {
  package mutating func target(_ id: String) { ticketID = id }
}

extension RecordInvitationOutcomeRequest: StepRequest {
  package mutating func target(_ id: String) { invitationID = id }
}

// Changes sent under the command line's key.
extension CallNextTicketRequest: KeyedRequest {}
extension IssueTicketRequest: KeyedRequest {}
extension RecordMarkRequest: KeyedRequest {}
extension SubmitRatingRequest: KeyedRequest {}
extension ImportCasesRequest: KeyedRequest {}
extension RecordManualEntryRequest: KeyedRequest {}
extension SetScoreModelRequest: KeyedRequest {}

// Steps on one case.
extension AcceptCaseRequest: CaseStepRequest {}
extension DecideCaseRequest: CaseStepRequest {}
extension DeliverResultRequest: CaseStepRequest {}
extension EndSpecialProcedureRequest: CaseStepRequest {}
extension EscalateCaseRequest: CaseStepRequest {}
extension ExtendDeadlineRequest: CaseStepRequest {}
extension IssueLicenceRequest: CaseStepRequest {}
extension RecordFeeRequest: CaseStepRequest {}
extension RecordVisitRequest: CaseStepRequest {}
extension RequestCorrectionRequest: CaseStepRequest {}
extension StartReviewRequest: CaseStepRequest {}
extension StartSpecialProcedureRequest: CaseStepRequest {}
extension SubmitCorrectionRequest: CaseStepRequest {}
extension SupplyShortfallRequest: CaseStepRequest {}
extension WithdrawCaseRequest: CaseStepRequest {}

// Steps on a bad review or an anomaly.
extension AppealBadReviewRequest: IdentifiedStepRequest {}
extension CheckRectificationRequest: IdentifiedStepRequest {}
extension ClassifyBadReviewRequest: IdentifiedStepRequest {}
extension RatingDecideAppealRequest: IdentifiedStepRequest {}
extension GiveFeedbackRequest: IdentifiedStepRequest {}
extension RecordRectificationRequest: IdentifiedStepRequest {}
extension RecordReturnVisitRequest: IdentifiedStepRequest {}
extension AppealAnomalyRequest: IdentifiedStepRequest {}
extension SupervisionDecideAppealRequest: IdentifiedStepRequest {}
extension JudgeManualEntryRequest: IdentifiedStepRequest {}
extension RecordFollowUpRequest: IdentifiedStepRequest {}

// Listings, a page at a time.
extension ListCasesRequest: PagedRequest {}
extension ListTicketsRequest: PagedRequest {}
extension ListBadReviewsRequest: PagedRequest {}
extension ListInvitationsRequest: PagedRequest {}
extension ListRatingsRequest: PagedRequest {}
extension ListAnomaliesRequest: PagedRequest {}
extension QueryCasesRequest: PagedRequest {}

// Their answers, which end with where the next page starts.
extension ListCasesResponse: PagedResponse {}
extension ListTicketsResponse: PagedResponse {}
extension ListBadReviewsResponse: PagedResponse {}
extension ListInvitationsResponse: PagedResponse {}
extension ListRatingsResponse: PagedResponse {}
extension ListAnomaliesResponse: PagedResponse {}
extension QueryCasesResponse: PagedResponse {}

// Figures, by group over a period.
extension RatingFiguresRequest: FiguresRequest {}
extension SupervisionFiguresRequest: FiguresRequest {}
extension RatingGrouping: FigureGrouping {}
extension SupervisionGrouping: FigureGrouping {}

// Acceptance decisions, of a case or of a one-thing application.
extension AcceptBundleApplicationRequest: AcceptanceRequest {}
extension AcceptCaseRequest: AcceptanceRequest {}

// Decisions on appeals, of a bad review or of an anomaly.
extension RatingDecideAppealRequest: AppealDecisionRequest {}
extension SupervisionDecideAppealRequest: AppealDecisionRequest {}

// Cases reported after the cut-off, from a CSV file or as JSON records.
extension ImportCasesRequest: LateReportRequest {}
extension ReportCasesRequest: LateReportRequest {}

// Where in a hall a bad mark or a manual entry was seen.
extension Mark: WindowPlaced {}
extension RecordManualEntryRequest: WindowPlaced {}

// Submissions at the window or online, of a case or of a one-thing application.
extension SubmitBundleApplicationRequest: SubmissionRequest {}
extension SubmitCaseRequest: SubmissionRequest {}
