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
    make: { context in
      let policy = try IntakePolicy(settings: context.settings)
      let (client, logger, calendars) = (context.client, context.logger, context.calendars)
      return ServiceParts(
        handlers: [
          IntakeRPC(
            db: client, logger: logger, policy: policy, calendars: calendars,
            clock: context.clock)
        ],
        workers: [
          try FeedConsumer(
            following: "catalog", types: CatalogReplica.eventTypes, settings: context.settings,
            client: client, logger: logger
          ) { event, db in
            if try await CatalogReplica.apply(event, on: db.connection, logger: logger) {
              try await DueTimeRederivation.markPending(on: db.connection, logger: logger)
            }
          },
          DueTimeRederivation(
            client: client, calendars: calendars, clock: context.clock, logger: logger),
          ShortfallExpiry(
            client: client, policy: policy, calendars: calendars, clock: context.clock,
            logger: logger),
        ])
    })

  /// Every method is listed with the roles that may call it; which case a caller may touch
  /// is checked per case (CaseAccess).
  static var accessPolicy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = Hall_Intake_V1_IntakeService.Method
    policy.allow(.roles([.clerk, .applicant]), [M.IssueTicket.descriptor])
    policy.allow(
      .roles([.clerk]),
      [
        M.CallNextTicket.descriptor, M.FinishTicket.descriptor, M.ListTickets.descriptor,
        M.AcceptCase.descriptor, M.AcceptBundleApplication.descriptor, M.DeliverResult.descriptor,
        M.RecordFee.descriptor, M.RecordVisit.descriptor,
      ])
    policy.allow(
      .roles([.clerk, .applicant]),
      [
        M.SubmitCase.descriptor, M.SubmitCorrection.descriptor, M.SupplyShortfall.descriptor,
        M.WithdrawCase.descriptor, M.SubmitBundleApplication.descriptor,
      ])
    policy.allow(
      .roles([.approver]),
      [
        M.StartReview.descriptor, M.RequestCorrection.descriptor,
        M.StartSpecialProcedure.descriptor, M.EndSpecialProcedure.descriptor,
        M.ExtendDeadline.descriptor, M.DecideCase.descriptor, M.EscalateCase.descriptor,
        M.IssueLicence.descriptor,
      ])
    policy.allow(
      .roles([.clerk, .approver, .applicant, .supervisor, .departmentAdmin, .service]),
      [M.GetCase.descriptor, M.ListCases.descriptor, M.GetBundleApplication.descriptor])
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

  /// As above, for work that hands back its last writes with the answer (``Change``); work
  /// whose only write that is may run outside a transaction.
  func run<Response: SwiftProtobuf.Message & Sendable>(
    _ requestID: String, _ method: String, transaction: Bool = true,
    _ work: (PostgresConnection) async throws -> Change<Response>
  ) async throws -> Response {
    try await Idempotency.run(
      requestID: requestID, method: method, client: db, logger: logger,
      transaction: transaction
    ) { db in try await work(db.connection) }
  }

  /// Loads, locks, changes and records one case; `body` returns the timeline action and note.
  func change(
    _ requestID: String, _ method: String, case caseNumber: String,
    _ body: (inout Hall_Intake_V1_Case, PostgresConnection, Date) async throws -> (
      action: String, note: String
    )
  ) async throws -> Hall_Intake_V1_Case {
    try await run(requestID, method) { connection in
      var kase = try await CaseStore.lock(caseNumber, on: connection, logger: logger)
      let now = clock.now
      let (action, note) = try await body(&kase, connection, now)
      let event = CaseStore.trace(&kase, action: action, note: note, now: now)
      return try CaseStore.saving(kase, isNew: false, events: [event])
    }
  }
}

/// The intake service, as the executable and the tests start it.
public enum Intake {
  public static var definition: ServiceDefinition { IntakeRPC.definition }
}
