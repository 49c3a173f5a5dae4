import GRPCCore
import HallContracts
public import HallServer
import ServiceLifecycle

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
      rpcServiceNames: [CatalogContract.descriptor.fullyQualifiedService],
      feedFollowedDown: true
    ) { context in
      let handlers = CatalogHandlers(service: context)
      try await handlers.seedCalendar()
      return ServiceParts(handlers: [handlers], workers: try cityCatalog(of: context))
    }
  }

  /// A district follows its city's catalog (FED-2), over the link to the city with its own
  /// link token; a city, or a hall outside a network, follows none.
  static func cityCatalog(of context: ServiceContext) throws -> [any Service] {
    guard let city = context.identity.parent, let address = city.addresses["catalog"] else {
      return []
    }
    let subscription = FeedSubscription(
      name: "city-catalog", address: address, security: context.links,
      token: try context.settings.linkToken(), typePrefixes: CityCatalog.eventTypes)
    let replica = CityCatalog(owner: city.name)
    return [
      FeedConsumer(
        subscription: subscription, client: context.client, logger: context.logger,
        metrics: context.metrics, producer: "catalog@\(city.name)"
      ) { event, db in try await replica.apply(event, on: db) }
    ]
  }
}
