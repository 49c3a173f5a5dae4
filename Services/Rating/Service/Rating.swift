import GRPCCore
import HallContracts
public import HallServer

/// The rating service (RAT-1 to RAT-6): ratings of finished cases, second evaluations,
/// invitations, the bad-review loop, marks and figures. It follows intake's cases, the
/// catalog's calendar and supervision's anomalies from their feeds.
public enum Rating: ServiceProgram {
  public static let definition = ServiceDefinition(
    name: "rating",
    summary:
      "The rating service (好差评): ratings of finished cases, invitations, the bad-review loop.",
    migrations: RatingMigrations.all,
    policy: RatingAccess.policy,
    rpcServiceNames: [RatingContract.descriptor.fullyQualifiedService],
    make: parts)

  /// The handlers and the feed consumers, built from the service's one context.
  static func parts(_ context: ServiceContext) throws -> ServiceParts {
    let handlers = try RatingHandlers(service: context)
    let rules = handlers.rules
    return ServiceParts(
      handlers: [handlers],
      workers: [
        try FeedConsumer(following: "intake", types: IntakeReplica.eventTypes, context: context) {
          event, db in
          try await IntakeReplica(db: db).apply(event, rules: rules, calendars: context.calendars)
        },
        try FeedConsumer(
          following: "catalog", cursor: "catalog-calendar", types: CalendarReplica.eventTypes,
          context: context
        ) { event, db in
          _ = try await CalendarReplica.apply(event, on: db)
        },
        try FeedConsumer(
          following: "supervision", types: SupervisionReplica.eventTypes, context: context
        ) { event, db in
          try await SupervisionReplica(db: db).apply(event)
        },
      ])
  }
}
