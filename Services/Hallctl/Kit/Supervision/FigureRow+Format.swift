package import HallContracts

/// Rates as an operator reads them. The contract counts a rate with nothing to measure as
/// 100 % (so a department with no cases is not ranked down); a table says "-" instead, so
/// that "on time 100 %" never stands beside "completed 0".
extension SupervisionFigureRow {
  package var shownRedCardRate: String { Self.shown(redCardRateBp, of: acceptedCases) }
  package var shownOnTimeRate: String { Self.shown(onTimeRateBp, of: completedCases) }
  package var shownSameDayRate: String { Self.shown(sameDayRateBp, of: onTheSpotCompleted) }
  package var shownSatisfactionRate: String { Self.shown(satisfactionRateBp, of: ratings) }

  private static func shown(_ bp: Int32, of whole: Int64) -> String {
    whole == 0 ? "-" : Format.percent(bp)
  }
}
