import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// Supervision's copy of intake's cases and tickets (SUP-1), from intake's feed: each case
/// event becomes the supervised record's new facts (``IntakeFacts``), judged at the event's
/// instant.
struct IntakeReplica {
  /// Intake's event types this replica applies, by prefix: a case's and a ticket's.
  static let caseEvents = "intake.case."
  static let ticketEvents = "intake.ticket."
  static let eventTypes = [caseEvents, ticketEvents]

  let rules: SupervisionRules
  let calendars: CalendarSource
  /// The district whose intake this is, for a city's supervision; nil for its own.
  var district: DistrictLink? = nil

  func apply(_ event: FeedEvent, on db: Database) async throws {
    let evidence = "\(event.producer)#\(event.cursor) \(event.type)"
    if event.type.hasPrefix(Self.ticketEvents) {
      let ticket = try Ticket(unpackingAny: event.payload)
      try district?.check(ticket.id, "ticket")
      try await served(ticket, evidence: evidence, at: event.occurredAt.date, on: db)
      return
    }
    let intakeCase = try IntakeCase(unpackingAny: event.payload)
    try district?.check(intakeCase.caseNumber, "case")
    let (region, wait) = try await Tickets(db: db).regionAndWait(
      department: intakeCase.departmentID, ticket: intakeCase.ticketID)
    let facts = try IntakeFacts.of(
      intakeCase, regionCode: self.region(of: intakeCase, departmentRegion: region),
      waitSeconds: wait ?? 0)
    let ledger = try await CaseLedger.open(on: db, rules: rules, calendars: calendars)
    let old = try await CaseStore(db: db).lock(intakeCase.caseNumber)
    try await ledger.record(
      facts, old: old, refusalReason: IntakeFacts.refusalReason(intakeCase), evidence: evidence,
      at: event.occurredAt.date)
  }

  /// The region a case counts in: a district's for what its link brings; a case passed up
  /// from a deployment below is this deployment's own (it decided it here, FED-4); else by
  /// its department (``SupervisionRules/region(ofDepartmentIn:)``).
  func region(of intakeCase: IntakeCase, departmentRegion: String?) -> String {
    if let district { return district.regionCode }
    if intakeCase.hasPassedFrom, !rules.regionCode.isEmpty { return rules.regionCode }
    return rules.region(ofDepartmentIn: departmentRegion)
  }

  /// A served ticket's wait; when it names a case supervision already has, the case is
  /// judged again with it.
  func served(_ ticket: Ticket, evidence: String, at instant: Date, on db: Database)
    async throws
  {
    try await Tickets(db: db).put(ticket)
    guard !ticket.caseNumber.isEmpty,
      let old = try await CaseStore(db: db).lock(ticket.caseNumber),
      old.kase.waitSeconds != ticket.waitSeconds
    else { return }
    var facts = old.kase
    facts.waitSeconds = ticket.waitSeconds
    let ledger = try await CaseLedger.open(on: db, rules: rules, calendars: calendars)
    try await ledger.record(
      facts, old: old, refusalReason: nil, evidence: evidence, at: instant)
  }
}

extension IntakeReplica {
  /// Intake's queue tickets with their wait, so that a case's window wait is known
  /// (WINDOW_WAIT).
  struct Tickets {
    let db: Database

    func put(_ ticket: Ticket) async throws {
      _ = try await db.query(
        """
        INSERT INTO tickets (id, case_number, wait_seconds)
        VALUES (\(ticket.id), \(ticket.caseNumber), \(ticket.waitSeconds))
        ON CONFLICT (id) DO UPDATE SET case_number = excluded.case_number,
          wait_seconds = excluded.wait_seconds
        """)
    }

    /// The region of a case's department (from the catalog's replica) and its ticket's wait, in
    /// one round trip; nil for what is not known.
    func regionAndWait(department: String, ticket: String) async throws
      -> (region: String?, wait: Int64?)
    {
      let rows = try await db.query(
        """
        SELECT (SELECT region_code FROM departments WHERE id = \(department)),
          (SELECT wait_seconds FROM tickets WHERE id = \(ticket))
        """)
      return try rows[0].decode((String?, Int64?).self)
    }
  }
}
