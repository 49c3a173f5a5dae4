import ArgumentParser
import HallServer
import IntakeService

/// `hall-intake`: the intake service as its own process.
struct IntakeMain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-intake",
    abstract:
      "The intake service: tickets, cases from any channel, acceptance, back office, delivery.",
    discussion: ServiceOptions.discussion)

  @OptionGroup var options: ServiceOptions

  func run() async throws {
    try await options.run(Intake.definition)
  }
}

await ServiceMain.start(IntakeMain.self)
