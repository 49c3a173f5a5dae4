import HallCalendar
import HallServer

/// The rules that differ between deployments (REFERENCE.md marks them "local"), read from
/// the service's settings so that one binary serves Zhengzhou's rules and another city's.
struct IntakeRules: Sendable, Equatable {
  /// What a correction during review does to the clock.
  enum CorrectionClock: String, Sendable {
    /// The clock stops while the applicant corrects and resumes where it stood.
    case pause
    /// The limit counts afresh from the day the materials are complete (local practice).
    case restart
  }

  var correctionClock: CorrectionClock = .pause
  /// Whether special procedures whose item leaves it to the deployment count inside the
  /// promised limit (Zhengzhou Art. 34: inside; 行政许可法 §45: outside).
  var specialProcedureTimeInside = true
  /// Working days allowed to supply shortfall materials when the clerk names none.
  var shortfallWorkingDays = 5
  /// A broken shortfall commitment bars the applicant from shortfall acceptance this long
  /// (Zhengzhou 2018: one year).
  var shortfallBanDays = 365
  /// Working days by which a limit may exceed the statutory one through extensions
  /// (行政许可法 §42: 10).
  var statutoryExtensionWorkingDays = 10
  /// How often the platform looks for shortfall deadlines that have passed.
  var expiryIntervalSeconds = 30

  init() {}

  /// Settings: HALL_CORRECTION_CLOCK (pause | restart), HALL_SPECIAL_PROCEDURE_TIME
  /// (inside | outside), HALL_SHORTFALL_WORKING_DAYS, HALL_SHORTFALL_BAN_DAYS,
  /// HALL_STATUTORY_EXTENSION_WORKING_DAYS, HALL_EXPIRY_INTERVAL_SECONDS.
  init(settings: ServiceSettings) throws {
    correctionClock =
      CorrectionClock(
        rawValue: try settings.choiceOption(
          "CORRECTION_CLOCK", default: "pause", choices: ["pause", "restart"])) ?? .pause
    specialProcedureTimeInside =
      try settings.choiceOption(
        "SPECIAL_PROCEDURE_TIME", default: "inside", choices: ["inside", "outside"]) == "inside"
    shortfallWorkingDays = try settings.intOption(
      "SHORTFALL_WORKING_DAYS", default: 5, range: 1...60)
    shortfallBanDays = try settings.intOption("SHORTFALL_BAN_DAYS", default: 365, range: 0...3650)
    statutoryExtensionWorkingDays = try settings.intOption(
      "STATUTORY_EXTENSION_WORKING_DAYS", default: 10, range: 0...60)
    expiryIntervalSeconds = try settings.intOption(
      "EXPIRY_INTERVAL_SECONDS", default: 30, range: 1...3600)
  }

  /// The first day a broken commitment no longer bars shortfall acceptance, counted from
  /// `today`; nil when the deployment bars nobody.
  func shortfallBanEnd(from today: CivilDate) -> CivilDate? {
    shortfallBanDays > 0 ? today.adding(days: shortfallBanDays) : nil
  }
}
