public import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
public import HallServer
public import Logging
public import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// The supervision service [电子监察] (SUP-1 to SUP-10): the record of every case with its
/// cards, anomalies and their appeals and follow-up, figures, the monthly report, data
/// reporting and the combined query.
struct SupervisionRPC: Hall_Supervision_V1_SupervisionService.SimpleServiceProtocol {
  let db: PostgresClient
  let logger: Logger
  let policy: SupervisionPolicy
  let calendars: CalendarSource
  let clock: WallClock

  static let definition = ServiceDefinition(
    name: "supervision",
    migrations: SupervisionMigrations.all,
    policy: accessPolicy,
    rpcServiceNames: [Hall_Supervision_V1_SupervisionService.descriptor.fullyQualifiedService],
    // A department's day of records, up to 50 000 lines, comes as one file or batch.
    largeRequests: [
      Hall_Supervision_V1_SupervisionService.Method.ImportCases.descriptor:
        ServiceApp.transportPayloadLimit,
      Hall_Supervision_V1_SupervisionService.Method.ReportCases.descriptor:
        ServiceApp.transportPayloadLimit,
    ],
    make: { context in
      let policy = try SupervisionPolicy(settings: context.settings)
      let (client, settings, logger) = (context.client, context.settings, context.logger)
      let calendars = context.calendars
      func feed(
        _ producer: String, _ types: [String], _ apply: @escaping FeedConsumer.Apply
      ) throws -> FeedConsumer {
        try FeedConsumer(
          following: producer, types: types, settings: settings, client: client, logger: logger,
          apply: apply)
      }
      return ServiceParts(
        handlers: [
          SupervisionRPC(
            db: client, logger: logger, policy: policy, calendars: calendars,
            clock: context.clock)
        ],
        workers: [
          try feed("catalog", CatalogFacts.eventTypes) { event, db in
            try await CatalogFacts.apply(event, on: db.connection, logger: logger)
          },
          try feed("intake", IntakeReplica.eventTypes) { event, db in
            try await IntakeReplica.apply(
              event, policy: policy, calendars: calendars, on: db.connection, logger: logger)
          },
          try feed("rating", RatingReplica.eventTypes) { event, db in
            try await RatingReplica.apply(
              event, policy: policy, calendars: calendars, on: db.connection, logger: logger)
          },
          SupervisionTimer(
            client: client, policy: policy, calendars: calendars, clock: context.clock,
            logger: logger),
        ])
    })

  static var accessPolicy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = Hall_Supervision_V1_SupervisionService.Method
    policy.allow(
      .roles([.supervisor, .approver, .departmentAdmin]),
      [
        M.GetCase.descriptor, M.QueryCases.descriptor, M.GetAnomaly.descriptor,
        M.ListAnomalies.descriptor, M.GetFigures.descriptor, M.ListRules.descriptor,
        M.GetScoreModel.descriptor, M.ExportCases.descriptor, M.ExportAnomalies.descriptor,
      ])
    policy.allow(
      .roles([.supervisor]),
      [
        M.RecordManualEntry.descriptor, M.JudgeManualEntry.descriptor, M.DecideAppeal.descriptor,
        M.UpdateRule.descriptor, M.SetScoreModel.descriptor, M.GetMonthlyReport.descriptor,
      ])
    policy.allow(.roles([.approver, .departmentAdmin]), [M.AppealAnomaly.descriptor])
    policy.allow(.roles([.supervisor, .approver, .departmentAdmin]), [M.RecordFollowUp.descriptor])
    policy.allow(
      .roles([.supervisor, .departmentAdmin, .service]),
      [M.ReportCases.descriptor, M.ImportCases.descriptor])
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

  /// The department a caller may see: a supervisor any (the one asked for, or all), others
  /// only their own.
  static func visibleDepartment(asked: String) throws(ServiceError) -> String {
    let principal = try caller
    if principal.role == .supervisor { return asked }
    let own = principal.departmentID ?? ""
    guard asked.isEmpty || asked == own else {
      throw .permissionDenied("you see your own department's records only")
    }
    guard !own.isEmpty else { throw .permissionDenied("your token names no department") }
    return own
  }
}

/// The supervision service, as the executable and the tests start it.
public enum Supervision {
  public static var definition: ServiceDefinition { SupervisionRPC.definition }

  /// One timer pass as of `now` over the service's database, outside the running service:
  /// for the benchmark, which measures passes at chosen instants.
  public static func timerPass(
    client: PostgresClient, regionCode: String, batchSize: Int = 1000, now: Date, logger: Logger
  ) async throws -> Int {
    var policy = SupervisionPolicy()
    policy.regionCode = regionCode
    policy.timerBatchSize = batchSize
    return try await SupervisionTimer(
      client: client, policy: policy, calendars: CalendarSource(), clock: .system, logger: logger
    ).pass(now: now)
  }
}
