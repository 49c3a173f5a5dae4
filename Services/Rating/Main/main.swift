import ArgumentParser
import HallServer
import RatingService

/// `hall-rating`: the rating service as its own process.
struct RatingMain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-rating",
    abstract:
      "The rating service (好差评): ratings of finished cases, invitations, the bad-review loop.",
    discussion: ServiceOptions.discussion)

  @OptionGroup var options: ServiceOptions

  func run() async throws {
    try await options.run(Rating.definition)
  }
}

await ServiceMain.start(RatingMain.self)
