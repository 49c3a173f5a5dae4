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
    make: { context in
      let policy = try RatingPolicy(settings: context.settings)
      let (client, settings, logger) = (context.client, context.settings, context.logger)
      let calendars = context.calendars
      return ServiceParts(
        handlers: [
          RatingRPC(
            db: client, logger: logger, policy: policy, calendars: calendars,
            regionCode: settings.options["REGION_CODE"] ?? "", clock: context.clock)
        ],
        workers: [
          try FeedConsumer(
            following: "intake", types: CaseReplica.eventTypes, settings: settings,
            client: client, logger: logger
          ) { event, db in
            try await CaseReplica.apply(
              event, policy: policy, calendars: calendars, on: db.connection, logger: logger)
          },
          try FeedConsumer(
            following: "catalog", cursor: "catalog-calendar", types: CalendarReplica.eventTypes,
            settings: settings, client: client, logger: logger
          ) { event, db in
            _ = try await CalendarReplica.apply(event, on: db)
          },
          try FeedConsumer(
            following: "supervision", types: AnomalyReplica.eventTypes, settings: settings,
            client: client, logger: logger
          ) { event, db in
            try await AnomalyReplica.apply(event, on: db.connection, logger: logger)
          },
        ])
    })

  static var accessPolicy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = Hall_Rating_V1_RatingService.Method
    policy.allow(.roles([.applicant]), [M.SubmitRating.descriptor])
    policy.allow(
      .roles([.applicant, .supervisor, .approver, .departmentAdmin, .service]),
      [M.ListRatings.descriptor])
    policy.allow(
      .roles([.supervisor]),
      [
        M.ListInvitations.descriptor, M.RecordInvitationOutcome.descriptor,
        M.CheckRectification.descriptor, M.DecideAppeal.descriptor, M.RecordMark.descriptor,
        M.GetFigures.descriptor,
      ])
    policy.allow(
      .roles([.approver, .departmentAdmin]),
      [
        M.RecordReturnVisit.descriptor, M.ClassifyBadReview.descriptor,
        M.RecordRectification.descriptor, M.GiveFeedback.descriptor, M.AppealBadReview.descriptor,
      ])
    policy.allow(
      .roles([.supervisor, .approver, .departmentAdmin]),
      [M.GetBadReview.descriptor, M.ListBadReviews.descriptor])
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
