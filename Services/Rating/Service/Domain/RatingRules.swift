import HallServer

/// Rating rules that differ between places (REFERENCE.md, "Rating rules in practice"), as
/// settings with the documented defaults.
struct RatingRules: Sendable, Equatable {
  /// A finished case without a rating is invited within this many working days (RAT-2).
  var invitationWorkingDays = 5
  /// The return visit of a bad review is due within this many working days.
  var returnVisitWorkingDays = 1
  /// The loop is closed (feedback given) within this many working days.
  var rectificationWorkingDays = 15
  /// A second evaluation is allowed this many working days after an anomaly (SUP-5).
  var secondEvaluationWorkingDays = 10

  init() {}

  /// Settings: HALL_INVITATION_WORKING_DAYS, HALL_RETURN_VISIT_WORKING_DAYS,
  /// HALL_RECTIFICATION_WORKING_DAYS, HALL_SECOND_EVALUATION_WORKING_DAYS.
  init(settings: ServiceSettings) throws {
    invitationWorkingDays = try settings.intOption(
      "INVITATION_WORKING_DAYS", default: 5, range: 1...30)
    returnVisitWorkingDays = try settings.intOption(
      "RETURN_VISIT_WORKING_DAYS", default: 1, range: 1...30)
    rectificationWorkingDays = try settings.intOption(
      "RECTIFICATION_WORKING_DAYS", default: 15, range: 1...90)
    secondEvaluationWorkingDays = try settings.intOption(
      "SECOND_EVALUATION_WORKING_DAYS", default: 10, range: 1...60)
  }
}
