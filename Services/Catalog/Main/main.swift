import ArgumentParser
import HallServer
import CatalogService

/// `hall-catalog`: the catalog service as its own process.
struct CatalogMain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-catalog",
    abstract: "The catalog service: items, guides, bundles, lists and the working calendar.",
    discussion: ServiceOptions.discussion)

  @OptionGroup var options: ServiceOptions

  func run() async throws {
    try await options.run(Catalog.definition)
  }
}

await ServiceMain.start(CatalogMain.self)
