public import ArgumentParser

/// `hall-demo`: demonstration data for a deployment, put in through the contracts as any
/// integrator would. Apart from `hallctl`, which operates a real hall: nothing here is needed
/// to run one.
public struct HallDemo: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "hall-demo",
    abstract: "Demonstration data through the contracts: the catalog, and a day of the hall.",
    discussion: """
      load-catalog publishes deploy/demo/catalog.json through the catalog service; day plays \
      a scripted day of the hall through all four services and prints the figures it \
      produced. A refusal is printed as the service worded it, and the command exits with \
      status 1.
      """,
    subcommands: [LoadCatalogCommand.self, DemoDayCommand.self])

  public init() {}
}
