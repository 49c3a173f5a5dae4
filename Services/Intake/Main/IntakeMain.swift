import ArgumentParser
import IntakeService
import HallServer
import Logging

/// `hall-intake`: the intake service as its own process.
@main
struct IntakeMain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-intake",
    abstract:
      "The intake service: tickets, cases from any channel, acceptance, back office, delivery.",
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
      definition: Intake.definition, defaultPort: 50052, configFile: config,
      migrateOnly: migrateOnly)
  }
}
