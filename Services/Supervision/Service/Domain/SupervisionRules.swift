import HallCalendar
import HallServer

/// The deployment's settings for supervision's rules, where places differ (REFERENCE.md,
/// "Supervision practice"), with the documented defaults.
struct SupervisionRules: Sendable, Equatable {
  /// When an open case is warned [预警].
  enum WarningThreshold: Sendable, Equatable {
    /// This many working days before the due time (at the same time of day).
    case workingDaysBefore(Int)
    /// Once this percentage of the limit's working time is used.
    case percentUsed(Int)
  }

  var warning = WarningThreshold.workingDaysBefore(1)
  /// The share of the day's working time after which an on-the-spot item is warned; a
  /// threshold in working days means nothing for a limit of one day.
  var onTheSpotWarningPercent = 80
  /// Seconds between timer passes.
  var timerIntervalSeconds = 30
  /// Cases a timer pass takes in one transaction.
  var timerBatchSize = 1000
  /// The deployment's region (GB/T 2260), for cases whose department is unknown.
  var regionCode = ""
  /// Reports are due by this time of day on the first working day on or after the day of
  /// their newest event (Rules Art. 12: daily cut-off 17:00).
  var reportCutOff = try! TimeOfDay(hour: 17)
  /// Working days within which an anomaly may be appealed (SUP-5).
  var appealWorkingDays = 10

  init() {}

  /// The region a record of this deployment's own counts in, given its department's: that
  /// region when it lies within the deployment's (or is it), otherwise the deployment's, so
  /// that a city's item handled at a district's hall is the district's case (FED-3). A hall
  /// without a region counts by its departments.
  func region(ofDepartmentIn department: String?) -> String {
    guard let own = RegionCode(regionCode) else { return department ?? regionCode }
    guard let department, let code = RegionCode(department), code == own || own.contains(code)
    else { return own.digits }
    return department
  }

  /// Settings: HALL_WARNING_THRESHOLD ("1d" working days before, or "80%" used),
  /// HALL_TIMER_INTERVAL_SECONDS, HALL_TIMER_BATCH_SIZE, HALL_REGION_CODE,
  /// HALL_REPORT_CUT_OFF ("17:00"), HALL_APPEAL_WORKING_DAYS.
  init(settings: ServiceSettings) throws {
    if let text = settings.options["WARNING_THRESHOLD"] {
      warning = try Self.threshold(text)
      if case .percentUsed(let percent) = warning { onTheSpotWarningPercent = percent }
    }
    timerIntervalSeconds = try settings.intOption(
      "TIMER_INTERVAL_SECONDS", default: 30, range: 1...3600)
    timerBatchSize = try settings.intOption("TIMER_BATCH_SIZE", default: 1000, range: 1...100_000)
    regionCode = settings.options["REGION_CODE"] ?? ""
    if let text = settings.options["REPORT_CUT_OFF"] {
      guard let time = TimeOfDay(text) else {
        throw ServiceSettings.Problem(description: "HALL_REPORT_CUT_OFF must be HH:MM, not \(text)")
      }
      reportCutOff = time
    }
    appealWorkingDays = try settings.intOption("APPEAL_WORKING_DAYS", default: 10, range: 1...60)
  }

  static func threshold(_ text: String) throws -> WarningThreshold {
    if text.hasSuffix("d"), let days = Int(text.dropLast()), (1...30).contains(days) {
      return .workingDaysBefore(days)
    }
    if text.hasSuffix("%"), let percent = Int(text.dropLast()), (1...99).contains(percent) {
      return .percentUsed(percent)
    }
    throw ServiceSettings.Problem(
      description:
        "HALL_WARNING_THRESHOLD must be working days before the due time (\"1d\") or the share of the limit used (\"80%\"), not \(text)"
    )
  }
}
