import ArgumentParser
import RatingService
import HallServer
import Logging

/// `hall-rating`: the rating service as its own process.
@main
struct RatingMain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-rating",
    abstract:
      "The rating service (好差评): ratings of finished cases, invitations, the bad-review loop.",
    discussion: """
      Settings come from an optional JSON file (--config) and HALL_* environment variables,
      which win. The README lists every setting.
      """)

  @Option(help: "JSON settings file.")
  var config: String?

  @Flag(help: "Apply the schema's migrations and exit.")
  var migrateOnly = false

  func run() async throws {
    try await ServiceMain.run(
      definition: Rating.definition, defaultPort: 50053, configFile: config,
      migrateOnly: migrateOnly)
  }
}
