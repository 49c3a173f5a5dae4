/// The range of every numeric field that can arrive in a request, by its full proto name
/// (REL-3). `ContractRangeTests` reads `proto/` and fails when a numeric field reachable from a
/// request has no entry here, so a new field is bounded before it ships.
///
/// Zero is the contract's "unset" and never reaches the check; where a handler needs a value,
/// it says so itself.
public enum ContractRanges {
  /// Working days in any one limit: past a year of them no limit in law or practice goes.
  static let workingDays = FieldRange.integer(0...250)
  /// Money in fen (分): up to a hundred million yuan.
  static let fen = FieldRange.integer(0...10_000_000_000)
  static let pageSize = FieldRange.integer(0...1000)
  static let year = FieldRange.integer(1...9999)

  public static let all: [String: FieldRange] = [
    // Catalog.
    "hall.catalog.v1.CalendarYear.year": year,
    "hall.catalog.v1.CalendarYear.working_day_count": .integer(0...366),
    "hall.catalog.v1.ComputeDueTimeRequest.working_days": workingDays,
    "hall.catalog.v1.Fee.amount_fen": fen,
    "hall.catalog.v1.GetBundleVersionRequest.version": .integer(0...1_000_000),
    "hall.catalog.v1.GetItemVersionRequest.version": .integer(0...1_000_000),
    "hall.catalog.v1.GetCalendarYearRequest.year": year,
    "hall.catalog.v1.ItemSpec.statutory_limit_working_days": workingDays,
    "hall.catalog.v1.ItemSpec.promised_limit_working_days": workingDays,
    "hall.catalog.v1.ItemSpec.max_visits": .integer(0...9),
    "hall.catalog.v1.ItemSpec.online_depth": .integer(0...4),
    "hall.catalog.v1.ListBundlesRequest.page_size": pageSize,
    "hall.catalog.v1.ListCertificatesRequest.page_size": pageSize,
    "hall.catalog.v1.ListDepartmentsRequest.page_size": pageSize,
    "hall.catalog.v1.ListIntermediaryServicesRequest.page_size": pageSize,
    "hall.catalog.v1.ListItemVersionsRequest.page_size": pageSize,
    "hall.catalog.v1.Material.original_count": .integer(0...100),
    "hall.catalog.v1.Material.copy_count": .integer(0...100),
    "hall.catalog.v1.ProcessStep.limit_working_days": workingDays,
    "hall.catalog.v1.SearchGuidesRequest.page_size": pageSize,
    "hall.catalog.v1.SpecialProcedure.max_working_days": workingDays,
    "hall.catalog.v1.TimeOfDay.hours": .integer(0...24),
    "hall.catalog.v1.TimeOfDay.minutes": .integer(0...59),
    // Shared.
    "hall.common.v1.CivilDate.year": year,
    "hall.common.v1.CivilDate.month": .integer(1...12),
    "hall.common.v1.CivilDate.day": .integer(1...31),
    "hall.events.v1.SubscribeRequest.after_cursor": .integer(0...Int64.max),
    // Intake.
    "hall.intake.v1.AcceptBundleApplicationRequest.shortfall_working_days": .integer(0...60),
    "hall.intake.v1.AcceptCaseRequest.shortfall_working_days": .integer(0...60),
    "hall.intake.v1.AcceptanceDecision.shortfall_working_days": .integer(0...60),
    "hall.intake.v1.ExtendDeadlineRequest.working_days": workingDays,
    "hall.intake.v1.ListCasesRequest.page_size": pageSize,
    "hall.intake.v1.ListTicketsRequest.page_size": pageSize,
    "hall.intake.v1.RecordFeeRequest.amount_fen": fen,
    // Rating.
    "hall.rating.v1.ClassifyBadReviewRequest.ledger_working_days": workingDays,
    "hall.rating.v1.ListBadReviewsRequest.page_size": pageSize,
    "hall.rating.v1.ListInvitationsRequest.page_size": pageSize,
    "hall.rating.v1.ListRatingsRequest.page_size": pageSize,
    // Supervision.
    "hall.supervision.v1.CaseReport.state": .integer(0...100),
    "hall.supervision.v1.CaseReport.promised_working_days": workingDays,
    "hall.supervision.v1.CaseReport.visits": .integer(0...100),
    "hall.supervision.v1.CaseReport.fee_charged_fen": fen,
    "hall.supervision.v1.CaseReport.fee_standard_fen": fen,
    "hall.supervision.v1.CaseReport.wait_seconds": .integer(0...(30 * 86_400)),
    "hall.supervision.v1.ListAnomaliesRequest.page_size": pageSize,
    "hall.supervision.v1.QueryCasesRequest.page_size": pageSize,
    "hall.supervision.v1.ScoreTerm.weight": .real(0...1000),
    "hall.supervision.v1.ScoreTerm.penalty_points": .real(0...1000),
    "hall.supervision.v1.ScoreTerm.target_bp": .integer(0...10_000),
    "hall.supervision.v1.UpdateRuleRequest.parameters": .integer(0...1_000_000),
  ]
}
