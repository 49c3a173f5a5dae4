import GRPCCore
import ServiceLifecycle
import HallContracts
public import HallServer

/// The intake service (INT-1 to INT-12): queue tickets, cases from any channel at one window,
/// acceptance decisions, the back office, licences and delivery, one-thing applications.
public enum Intake: ServiceProgram {
  public static let definition = ServiceDefinition(
    name: "intake",
    summary:
      "The intake service: tickets, cases from any channel, acceptance, back office, delivery.",
    migrations: IntakeMigrations.all,
    policy: IntakeAccess.policy,
    rpcServiceNames: [IntakeContract.descriptor.fullyQualifiedService],
    make: { service in try parts(of: service) })

  /// The handlers, and beside them: the catalog's feed kept as a replica (a calendar change
  /// schedules the re-derivation of due times), the re-derivation, shortfall expiry, and in
  /// a network the cases passed up and their replies (``network(of:)``).
  static func parts(of service: ServiceContext) throws -> ServiceParts {
    let rules = try IntakeRules(settings: service.settings)
    return ServiceParts(
      handlers: [IntakeHandlers(service: service, rules: rules)],
      workers: [
        try FeedConsumer(
          following: "catalog", types: CatalogReplica.eventTypes, context: service
        ) { event, db in
          if try await CatalogReplica.apply(event, on: db) {
            try await RederivationStore(db: db).markPending()
          }
        },
        DueTimeRederivation(service),
        ShortfallExpiry(service, rules: rules),
      ] + (try network(of: service)))
  }

  /// In a network of halls (FED-4): a city's intake follows each district's intake for the
  /// cases it passes up (`intake@hualong-district`), a district's follows the city's for the
  /// replies (`city-intake`), each over the link with the deployment's link token.
  static func network(of service: ServiceContext) throws -> [any Service] {
    let links =
      service.identity.children.map { district in
        (
          district, "intake@\(district.name)", DistrictIntake.eventTypes,
          DistrictIntake(district: district, service: service).apply as FeedConsumer.Apply
        )
      }
      + [service.identity.parent].compactMap { $0 }.map { city in
        (
          city, "city-intake", CityIntake.eventTypes,
          CityIntake(service: service).apply as FeedConsumer.Apply
        )
      }
    guard !links.isEmpty else { return [] }
    let token = try service.settings.linkToken()
    return links.compactMap { neighbour, name, types, apply in
      guard let address = neighbour.addresses["intake"] else { return nil }
      return FeedConsumer(
        subscription: FeedSubscription(
          name: name, address: address, security: service.links, token: token,
          typePrefixes: types),
        client: service.client, logger: service.logger, metrics: service.metrics,
        producer: "intake@\(neighbour.name)", apply: apply)
    }
  }
}
