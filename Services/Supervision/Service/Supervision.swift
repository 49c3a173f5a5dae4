public import Foundation
import GRPCCore
import HallCalendar
import HallContracts
public import HallServer
public import Logging
public import PostgresNIO
import ServiceLifecycle

/// The supervision service [电子监察] (SUP-1 to SUP-10): the record of every case with its
/// cards, anomalies and their appeals and follow-up, figures, the monthly report, data
/// reporting and the combined query.
public enum Supervision: ServiceProgram {
  public static let definition = ServiceDefinition(
    name: "supervision",
    summary:
      "The supervision service (电子监察): cards, anomalies, appeals, figures, the monthly report.",
    migrations: SupervisionMigrations.all,
    policy: SupervisionAccess.policy,
    rpcServiceNames: [SupervisionContract.descriptor.fullyQualifiedService],
    // A department's day of records, up to 50 000 lines, comes as one file or batch.
    largeRequests: [
      SupervisionContract.Method.ImportCases.descriptor: ServiceApp.transportPayloadLimit,
      SupervisionContract.Method.ReportCases.descriptor: ServiceApp.transportPayloadLimit,
    ],
    make: { service in
      let rules = try SupervisionRules(settings: service.settings)
      let intake = IntakeReplica(rules: rules, calendars: service.calendars)
      let rating = RatingReplica(rules: rules, calendars: service.calendars)
      return ServiceParts(
        handlers: [SupervisionHandlers(service: service, rules: rules)],
        workers: [
          try FeedConsumer(
            following: "catalog", types: CatalogReplica.eventTypes, context: service
          ) { event, db in try await CatalogReplica(db: db).apply(event) },
          try FeedConsumer(
            following: "intake", types: IntakeReplica.eventTypes, context: service,
            applyBatch: { events, subscription, db in
              try await intake.apply(batch: events, subscription: subscription, on: db)
            }
          ) { event, db in try await intake.apply(event, on: db) },
          try FeedConsumer(following: "rating", types: RatingReplica.eventTypes, context: service) {
            event, db in try await rating.apply(event, on: db)
          },
          SupervisionTimer(service: service, rules: rules),
        ] + (try districts(of: service, rules: rules)))
    })

  /// A city's supervision follows each district's intake and rating feeds (FED-3), each
  /// with its own cursor (`intake@hualong-district`), over the link with the city's link
  /// token; a district's records count in its region.
  static func districts(of service: ServiceContext, rules: SupervisionRules) throws
    -> [any Service]
  {
    let token = try service.settings.linkToken()
    return service.identity.children.flatMap { child -> [any Service] in
      let district = DistrictLink(child)
      let intake = IntakeReplica(rules: rules, calendars: service.calendars, district: district)
      let rating = RatingReplica(rules: rules, calendars: service.calendars, district: district)
      let follow: [(String, [String], FeedConsumer.ApplyBatch?, FeedConsumer.Apply)] = [
        (
          "intake", IntakeReplica.eventTypes,
          { events, subscription, db in
            try await intake.apply(batch: events, subscription: subscription, on: db)
          },
          { event, db in try await intake.apply(event, on: db) }
        ),
        (
          "rating", RatingReplica.eventTypes, nil,
          { event, db in try await rating.apply(event, on: db) }
        ),
      ]
      return follow.compactMap { producer, types, applyBatch, apply in
        guard let address = child.addresses[producer] else { return nil }
        let name = "\(producer)@\(child.name)"
        return FeedConsumer(
          subscription: FeedSubscription(
            name: name, address: address, security: service.links, token: token,
            typePrefixes: types),
          client: service.client, logger: service.logger, metrics: service.metrics,
          producer: name, applyBatch: applyBatch, apply: apply)
      }
    }
  }

  /// One timer pass as of `now` over the service's database, outside the running service:
  /// for the benchmark, which measures passes at chosen instants.
  public static func timerPass(
    client: PostgresClient, regionCode: String, batchSize: Int = 1000, now: Date, logger: Logger
  ) async throws -> Int {
    var rules = SupervisionRules()
    rules.regionCode = regionCode
    rules.timerBatchSize = batchSize
    return try await SupervisionTimer(
      client: client, rules: rules, calendars: CalendarSource(), clock: .system, logger: logger
    ).pass(now: now)
  }
}
