import ArgumentParser
import HallServer
import SupervisionService

/// `hall-supervision`: the supervision service as its own process.
struct SupervisionMain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-supervision",
    abstract:
      "The supervision service (电子监察): cards, anomalies, appeals, figures, the monthly report.",
    discussion: ServiceOptions.discussion)

  @OptionGroup var options: ServiceOptions

  func run() async throws {
    try await options.run(Supervision.definition)
  }
}

await ServiceMain.start(SupervisionMain.self)
