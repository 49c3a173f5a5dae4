import GRPCCore
import HallContracts
public import HallServer

/// The catalog service (CAT-1 to CAT-11): the published catalog of service items and their
/// guides, one-thing bundles, the certificate and intermediary lists and the working
/// calendar. Every published change is written to the outbox in the same transaction.
public enum Catalog: ServiceProgram {
  /// The catalog as one of the platform's services: it has no replicas and no workers; at
  /// start it seeds the calendar years the platform ships with.
  public static var definition: ServiceDefinition {
    ServiceDefinition(
      name: "catalog",
      summary:
        "The catalog service: items, guides, bundles, lists and the working calendar.",
      migrations: CatalogMigrations.all,
      policy: CatalogAccess.policy,
      rpcServiceNames: [CatalogContract.descriptor.fullyQualifiedService]
    ) { context in
      let handlers = CatalogHandlers(service: context)
      try await handlers.seedCalendar()
      return ServiceParts(handlers: [handlers])
    }
  }
}
