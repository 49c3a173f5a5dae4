import ArgumentParser
import CatalogService
import HallServer
import Logging

/// `hall-catalog`: the catalog service as its own process.
@main
struct CatalogMain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-catalog",
    abstract: "The catalog service: items, guides, bundles, lists and the working calendar.",
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
      definition: Catalog.definition, defaultPort: 50051, configFile: config,
      migrateOnly: migrateOnly)
  }
}
