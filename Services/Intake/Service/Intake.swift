import GRPCCore
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
  /// schedules the re-derivation of due times), the re-derivation, and shortfall expiry.
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
      ])
  }
}
