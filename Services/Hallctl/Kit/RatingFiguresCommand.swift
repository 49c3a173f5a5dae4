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

  @OptionGroup var connection: ConnectionOptions

  @Option(
    help: "One row per: \(ProtoEnum.choices(Hall_Rating_V1_FigureGrouping.self)).",
    transform: ProtoEnum.parse)
  var by: Hall_Rating_V1_FigureGrouping = .deployment

  @Option(help: "First day, yyyy-MM-dd.", transform: Format.civilDate)
  var from: Hall_Common_V1_CivilDate

  @Option(help: "Day after the last, yyyy-MM-dd.", transform: Format.civilDate)
  var to: Hall_Common_V1_CivilDate

  func run() async throws {
    try await RatingCommand.withRating(connection) { rating in
      let response = try await rating.getFigures(
        .with {
          $0.grouping = by
          $0.from = from
          $0.to = to
        })
      if connection.json { return try Output.json(response) }
      Output.table(
        [
          "group", "finished", "ratings", "good", "bad", "satisfaction", "active", "linked",
          "bad reviews due", "on time", "bad marks",
        ],
        response.rows.map {
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
