import ArgumentParser
import HallContracts
import SwiftProtobuf

struct RatingFiguresCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "figures",
    abstract: "Satisfaction, active rating, linkage and on-time rectification rates.",
    discussion: """
      Needs a supervisor's token. Computed over cases finished in [from, to), days in \
      China Standard Time; void reviews count in none of the rates.

      Example: hallctl rating figures --by department --from 2026-09-01 --to 2026-10-01
      """)

  @OptionGroup var connection: RatingConnection

  @Option(
    help: "One row per: \(ProtoEnum.choices(Hall_Rating_V1_FigureGrouping.self)).",
    transform: ProtoEnum.parse)
  var by: Hall_Rating_V1_FigureGrouping = .deployment

  @OptionGroup var period: PeriodOptions

  func run() async throws {
    let request = Hall_Rating_V1_GetFiguresRequest.with {
      $0.grouping = by
      $0.from = period.from
      $0.to = period.to
    }
    try await connection.show(
      { try await $0.getFigures(request) }
    ) {
      Output.table(
        [
          "group", "finished", "ratings", "good", "bad", "satisfaction", "active", "linked",
          "bad reviews due", "on time", "bad marks",
        ],
        $0.rows.map {
          [
            $0.key.isEmpty ? "(all)" : $0.key, "\($0.finishedCases)", "\($0.ratings)",
            "\($0.goodRatings)", "\($0.badRatings)", Format.percent($0.satisfactionRateBp),
            Format.percent($0.activeRatingRateBp), Format.percent($0.linkageCompletenessBp),
            "\($0.badReviewsDue)", Format.percent($0.onTimeRectificationRateBp), "\($0.badMarks)",
          ]
        })
    }
  }
}
