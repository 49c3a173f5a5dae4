import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// Supervision's copy of intake's cases and tickets (SUP-1), from intake's feed: each case
/// event becomes the supervised record's new facts, judged at the event's instant.
enum IntakeReplica {
  static let eventTypes = ["intake.case.", "intake.ticket."]

  static func apply(
    _ event: Hall_Events_V1_Event, policy: SupervisionPolicy, calendars: CalendarSource,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    let evidence = "\(event.producer)#\(event.cursor) \(event.type)"
    if event.type.hasPrefix("intake.ticket.") {
      try await applyTicket(
        try Hall_Intake_V1_Ticket(unpackingAny: event.payload), evidence: evidence,
        instant: event.occurredAt.date, policy: policy, calendars: calendars, on: connection,
        logger: logger)
      return
    }
    let intakeCase = try Hall_Intake_V1_Case(unpackingAny: event.payload)
    let rows = try await connection.query(
      """
      SELECT (SELECT region_code FROM departments WHERE id = \(intakeCase.departmentID)),
        (SELECT wait_seconds FROM tickets WHERE id = \(intakeCase.ticketID))
      """, logger: logger
    ).collect()
    let (region, wait) = try rows[0].decode((String?, Int64?).self)
    let facts = try Self.facts(
      intakeCase, regionCode: region ?? policy.regionCode, waitSeconds: wait ?? 0)
    let ledger = try await CaseLedger.prepare(
      policy: policy, calendars: calendars, on: connection, logger: logger)
    let old = try await CaseLedger.load(intakeCase.caseNumber, on: connection, logger: logger)
    try await ledger.record(
      facts, old: old, refusalReason: refusalReason(intakeCase), evidence: evidence,
      at: event.occurredAt.date, on: connection)
  }

  /// A served ticket's wait; when it names a case supervision already has, the case is
  /// judged again with it.
  static func applyTicket(
    _ ticket: Hall_Intake_V1_Ticket, evidence: String, instant: Date, policy: SupervisionPolicy,
    calendars: CalendarSource, on connection: PostgresConnection, logger: Logger
  ) async throws {
    try await connection.query(
      """
      INSERT INTO tickets (id, case_number, wait_seconds)
      VALUES (\(ticket.id), \(ticket.caseNumber), \(ticket.waitSeconds))
      ON CONFLICT (id) DO UPDATE SET case_number = excluded.case_number,
        wait_seconds = excluded.wait_seconds
      """, logger: logger)
    guard !ticket.caseNumber.isEmpty,
      let old = try await CaseLedger.load(ticket.caseNumber, on: connection, logger: logger),
      old.kase.waitSeconds != ticket.waitSeconds
    else { return }
    var facts = old.kase
    facts.waitSeconds = ticket.waitSeconds
    let ledger = try await CaseLedger.prepare(
      policy: policy, calendars: calendars, on: connection, logger: logger)
    try await ledger.record(
      facts, old: old, refusalReason: nil, evidence: evidence, at: instant, on: connection)
  }

  /// Intake states in which a case has left without a decision.
  static let leftStates: Set<Hall_Intake_V1_CaseState> = [.refused, .withdrawn, .escalated]

  static func facts(
    _ intakeCase: Hall_Intake_V1_Case, regionCode: String, waitSeconds: Int64
  ) throws(FeeTotalError) -> Hall_Supervision_V1_SupervisedCase {
    let charged = try FeeTotalError.sum(intakeCase.fees.map(\.amountFen), case: intakeCase)
    // A fee per a varying standard (0) is its own standard.
    let standard = try FeeTotalError.sum(
      intakeCase.fees.map { $0.perStandard ? $0.amountFen : $0.standardAmountFen },
      case: intakeCase)
    return .with {
      $0.caseNumber = intakeCase.caseNumber
      $0.itemCode = intakeCase.itemCode
      $0.itemName = intakeCase.itemName
      $0.departmentID = intakeCase.departmentID
      $0.regionCode = regionCode
      $0.hallID = intakeCase.hallID
      $0.windowID = intakeCase.windowID
      $0.staffID = intakeCase.acceptedBy.isEmpty ? intakeCase.receivedBy : intakeCase.acceptedBy
      $0.source = .feed
      $0.state = Int32(intakeCase.state.rawValue)
      $0.caseKind =
        intakeCase.category == .onTheSpot || intakeCase.caseKind == .onTheSpot
        ? .onTheSpot : .promised
      $0.promisedWorkingDays = intakeCase.deadline.budgetWorkingDays
      $0.receiveTime = intakeCase.receiveTime
      if intakeCase.hasAcceptTime { $0.acceptTime = intakeCase.acceptTime }
      if intakeCase.hasDecision { $0.completionTime = intakeCase.decision.time }
      if intakeCase.hasDeadline, !intakeCase.deadline.paused, intakeCase.deadline.hasDueTime {
        $0.dueTime = intakeCase.deadline.dueTime
      }
      $0.open = !intakeCase.hasDecision && !leftStates.contains(intakeCase.state)
      $0.visits = Int32(intakeCase.visits.count)
      // An item that needs no visit [不见面审批] may still be brought to a window by an
      // applicant's own choice: that first visit is not the hall's doing.
      $0.maxVisits =
        intakeCase.channel == .window ? max(intakeCase.maxVisits, 1) : intakeCase.maxVisits
      $0.feeChargedFen = charged
      $0.feeStandardFen = standard
      $0.waitSeconds = waitSeconds
      $0.timeline = intakeCase.timeline.map { entry in
        .with {
          $0.time = entry.time
          $0.action = entry.action
          $0.state = Int32(entry.state.rawValue)
          $0.actor = entry.actor
          $0.note = entry.note
        }
      }
      $0.updateTime = intakeCase.updateTime
    }
  }

  /// The reason given for a refusal or a denial; nil for other states.
  static func refusalReason(_ intakeCase: Hall_Intake_V1_Case) -> String? {
    switch intakeCase.state {
    case .refused:
      intakeCase.refusal.reason == .unspecified
        ? intakeCase.refusal.detail : "\(intakeCase.refusal.reason)"
    case .denied: intakeCase.decision.reason
    default: nil
    }
  }
}

/// A case whose fees no real charge can add up to: negative, or past what 64 bits hold. The
/// event is refused (and parked by the feed consumer), never summed into a trap.
struct FeeTotalError: Error, CustomStringConvertible {
  let caseNumber: String
  var description: String { "case \(caseNumber) has fees that cannot be summed" }

  static func sum(_ amounts: [Int64], case kase: Hall_Intake_V1_Case) throws(FeeTotalError)
    -> Int64
  {
    var total: Int64 = 0
    for amount in amounts {
      let (next, overflow) = total.addingReportingOverflow(amount)
      guard amount >= 0, !overflow else { throw FeeTotalError(caseNumber: kase.caseNumber) }
      total = next
    }
    return total
  }
}
