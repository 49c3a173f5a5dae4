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

/// The intake service (INT-1 to INT-12): queue tickets, cases from any channel at one window,
/// acceptance decisions, the back office, licences and delivery, one-thing applications.
struct IntakeRPC: Hall_Intake_V1_IntakeService.SimpleServiceProtocol {
  let db: PostgresClient
  let logger: Logger
  let policy: IntakePolicy
  let calendars: CalendarSource
  let clock: WallClock

  static let definition = ServiceDefinition(
    name: "intake",
    migrations: IntakeMigrations.all,
    policy: accessPolicy,
    rpcServiceNames: [Hall_Intake_V1_IntakeService.descriptor.fullyQualifiedService],
    makeWorkers: { client, settings, logger in
      let policy = try IntakePolicy(settings: settings)
      let calendars = CalendarSource()
      return [
        try FeedConsumer(
          following: "catalog", types: CatalogReplica.eventTypes, settings: settings,
          client: client, logger: logger
        ) { event, connection in
          if try await CatalogReplica.apply(event, on: connection, logger: logger) {
            try await DueTimeRederivation.markPending(on: connection, logger: logger)
          }
        },
        DueTimeRederivation(
          client: client, calendars: calendars, clock: settings.clock, logger: logger),
        ShortfallExpiry(
          client: client, policy: policy, calendars: calendars, clock: settings.clock,
          logger: logger),
      ]
    }
  ) { client, settings, logger in
    [
      IntakeRPC(
        db: client, logger: logger, policy: try IntakePolicy(settings: settings),
        calendars: CalendarSource(), clock: settings.clock)
    ]
  }

  /// Every method is listed with the roles that may call it; which case a caller may touch
  /// is checked per case (CaseAccess).
  static var accessPolicy: AccessPolicy {
    var policy = AccessPolicy()
    let service = Hall_Intake_V1_IntakeService.descriptor.fullyQualifiedService
    policy.allow(.roles([.clerk, .applicant]), service: service, methods: ["IssueTicket"])
    policy.allow(
      .roles([.clerk]), service: service,
      methods: [
        "CallNextTicket", "FinishTicket", "ListTickets", "AcceptCase",
        "AcceptBundleApplication", "DeliverResult", "RecordFee", "RecordVisit",
      ])
    policy.allow(
      .roles([.clerk, .applicant]), service: service,
      methods: [
        "SubmitCase", "SubmitCorrection", "SupplyShortfall", "WithdrawCase",
        "SubmitBundleApplication",
      ])
    policy.allow(
      .roles([.approver]), service: service,
      methods: [
        "StartReview", "RequestCorrection", "StartSpecialProcedure",
        "EndSpecialProcedure", "ExtendDeadline", "DecideCase", "EscalateCase", "IssueLicence",
      ])
    policy.allow(
      .roles([.clerk, .approver, .applicant, .supervisor, .departmentAdmin, .service]),
      service: service, methods: ["GetCase", "ListCases", "GetBundleApplication"])
    return policy
  }

  /// Runs a changing call once per request id (REL-1) in one transaction.
  func once<Response: SwiftProtobuf.Message & Sendable>(
    _ requestID: String, _ method: String,
    _ work: (PostgresConnection) async throws -> Response
  ) async throws -> Response {
    try await Idempotency.once(
      requestID: requestID, method: method, client: db, logger: logger, work)
  }

  /// As above, for work that stores its answer in its last statement (Idempotency.Claim);
  /// work whose only write that is may run outside a transaction.
  func once<Response: SwiftProtobuf.Message & Sendable>(
    _ requestID: String, _ method: String, transaction: Bool = true,
    _ work: (PostgresConnection, Idempotency.Claim) async throws -> Response
  ) async throws -> Response {
    try await Idempotency.once(
      requestID: requestID, method: method, client: db, logger: logger,
      transaction: transaction, work)
  }

  /// Loads, locks, changes and records one case; `body` returns the timeline action and note.
  func change(
    _ requestID: String, _ method: String, case caseNumber: String,
    _ body: (inout Hall_Intake_V1_Case, PostgresConnection, Date) async throws -> (
      action: String, note: String
    )
  ) async throws -> Hall_Intake_V1_Case {
    try await once(requestID, method) { connection, claim in
      var kase = try await CaseStore.lock(caseNumber, on: connection, logger: logger)
      let now = clock.now
      let (action, note) = try await body(&kase, connection, now)
      try await CaseStore.record(
        &kase, action: action, note: note, answering: claim, on: connection, logger: logger,
        now: now)
      return kase
    }
  }
}

/// The intake service, as the executable and the tests start it.
public enum Intake {
  public static var definition: ServiceDefinition { IntakeRPC.definition }
}
