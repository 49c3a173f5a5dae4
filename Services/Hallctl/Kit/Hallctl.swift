public import ArgumentParser

/// `hallctl`: the operator's command line. It talks to the services through their
/// contracts only, as any integrator would.
public struct Hallctl: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "hallctl",
    abstract:
      "Operate a hall deployment: keys and tokens, the catalog, cases, ratings, supervision.",
    discussion: """
      Each command group talks to one service: catalog (HALL_CATALOG_ADDR, port 50051), intake \
      (HALL_INTAKE_ADDR, 50052), rating (HALL_RATING_ADDR, 50053), supervision \
      (HALL_SUPERVISION_ADDR, 50054); --server overrides. The \
      caller's token comes from --token, HALL_TOKEN or the file named by HALL_TOKEN_FILE, and \
      its role decides what the service allows. Output is a table; --json prints the \
      service's answer in protobuf's JSON mapping. A refusal is printed as the service \
      worded it, and the command exits with status 1.
      """,
    subcommands: [
      KeysCommand.self, TokenCommand.self, CatalogCommand.self, IntakeCommand.self,
      RatingCommand.self, SupervisionCommand.self,
    ])

  public init() {}
}
