import ArgumentParser

/// `hallctl`: the operator's command line. It talks to the services through their
/// contracts only, as any integrator would.
@main
struct Hallctl: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hallctl",
    abstract: "Operate a hall deployment: keys and tokens, the catalog, demonstration data.",
    subcommands: [KeysCommand.self, TokenCommand.self, CatalogCommand.self])
}
