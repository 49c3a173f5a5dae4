import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
public import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// The rating service (RAT-1 to RAT-6): ratings of finished cases, second evaluations,
/// invitations, the bad-review loop, marks and figures.
struct RatingRPC: Hall_Rating_V1_RatingService.SimpleServiceProtocol {
  let db: PostgresClient
  let logger: Logger
  let policy: RatingPolicy
  let calendars: CalendarSource
  /// GB/T 2260 code of the deployment, carried on every rating record.
  let regionCode: String
  let clock: WallClock

  static let definition = ServiceDefinition(
    name: "rating",
    migrations: RatingMigrations.all,
    policy: accessPolicy,
    rpcServiceNames: [Hall_Rating_V1_RatingService.descriptor.fullyQualifiedService],
    makeWorkers: { client, settings, logger in
      let policy = try RatingPolicy(settings: settings)
      let calendars = CalendarSource()
      return [
        try FeedConsumer(
          following: "intake", types: CaseReplica.eventTypes, settings: settings, client: client,
          logger: logger
        ) { event, connection in
          try await CaseReplica.apply(
            event, policy: policy, calendars: calendars, on: connection, logger: logger)
        },
        try FeedConsumer(
          following: "catalog", cursor: "catalog-calendar", types: CalendarReplica.eventTypes,
          settings: settings, client: client, logger: logger
        ) { event, connection in
          _ = try await CalendarReplica.apply(event, on: connection, logger: logger)
        },
        try FeedConsumer(
          following: "supervision", types: AnomalyReplica.eventTypes, settings: settings,
          client: client, logger: logger
        ) { event, connection in
          try await AnomalyReplica.apply(event, on: connection, logger: logger)
        },
      ]
    }
  ) { client, settings, logger in
    [
      RatingRPC(
        db: client, logger: logger, policy: try RatingPolicy(settings: settings),
        calendars: CalendarSource(), regionCode: settings.options["REGION_CODE"] ?? "",
        clock: settings.clock)
    ]
  }

  static var accessPolicy: AccessPolicy {
    var policy = AccessPolicy()
    let service = Hall_Rating_V1_RatingService.descriptor.fullyQualifiedService
    policy.allow(.roles([.applicant]), service: service, methods: ["SubmitRating"])
    policy.allow(
      .roles([.applicant, .supervisor, .approver, .departmentAdmin, .service]), service: service,
      methods: ["ListRatings"])
    policy.allow(
      .roles([.supervisor]), service: service,
      methods: [
        "ListInvitations", "RecordInvitationOutcome", "CheckRectification", "DecideAppeal",
        "RecordMark", "GetFigures",
      ])
    policy.allow(
      .roles([.approver, .departmentAdmin]), service: service,
      methods: [
        "RecordReturnVisit", "ClassifyBadReview", "RecordRectification", "GiveFeedback",
        "AppealBadReview",
      ])
    policy.allow(
      .roles([.supervisor, .approver, .departmentAdmin]), service: service,
      methods: ["GetBadReview", "ListBadReviews"])
    return policy
  }

  func once<Response: SwiftProtobuf.Message & Sendable>(
    _ requestID: String, _ method: String,
    _ work: (PostgresConnection) async throws -> Response
  ) async throws -> Response {
    try await Idempotency.once(
      requestID: requestID, method: method, client: db, logger: logger, work)
  }

  static var caller: Principal {
    get throws(ServiceError) {
      guard let principal = Principal.current else {
        throw .permissionDenied("this call needs a bearer token")
      }
      return principal
    }
  }
}

/// The rating service, as the executable and the tests start it.
public enum Rating {
  public static var definition: ServiceDefinition { RatingRPC.definition }
}
