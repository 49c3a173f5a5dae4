import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// Reads and writes cases. Every change goes through ``record(_:action:note:on:logger:)``,
/// which appends the timeline entry, rewrites the row and writes the feed event in the
/// caller's transaction: no change exists without its trace (SEC-3) and its event (INT-12).
enum CaseStore {
  typealias Case = Hall_Intake_V1_Case

  /// Final states: nothing more happens to the case in this deployment.
  static func isFinished(_ state: Hall_Intake_V1_CaseState) -> Bool {
    switch state {
    case .refused, .denied, .withdrawn, .delivered, .escalated: true
    default: false
    }
  }

  /// The case, locked for the rest of the transaction.
  static func lock(
    _ caseNumber: String, on connection: PostgresConnection, logger: Logger
  ) async throws -> Case {
    try await lockReadingCalendar(caseNumber, on: connection, logger: logger).case
  }

  /// The case, locked, and the working calendar's revision read in the same round trip, for
  /// a change that needs both (CalendarSource).
  static func lockReadingCalendar(
    _ caseNumber: String, on connection: PostgresConnection, logger: Logger
  ) async throws -> (case: Case, calendarRevision: Int64) {
    guard !caseNumber.isEmpty else {
      throw ServiceError.invalidArgument(field: "case_number", message: "is required")
    }
    let rows = try await connection.prepared(
      """
      SELECT body, (SELECT revision FROM calendar_revision) FROM cases
      WHERE case_number = \(caseNumber) FOR UPDATE
      """, logger: logger)
    guard let row = rows.first else {
      throw ServiceError.notFound("case \(caseNumber) does not exist")
    }
    let (body, revision) = try row.decode((ByteBuffer, Int64?).self)
    return (try Case(bytea: body), revision ?? 0)
  }

  /// A new case number: the item code, the receipt day and a deployment-wide sequence.
  static func newCaseNumber(
    itemCode: String, at instant: Date, on connection: PostgresConnection, logger: Logger
  ) async throws -> String {
    let rows = try await connection.query(
      "SELECT nextval('case_number_sequence')", logger: logger
    ).collect()
    return caseNumber(itemCode: itemCode, at: instant, sequence: try rows[0].decode(Int64.self))
  }

  /// The case number of `sequence`, a value of case_number_sequence.
  static func caseNumber(itemCode: String, at instant: Date, sequence: Int64) -> String {
    "\(itemCode)-\(compactDay(instant))-\(String(format: "%06lld", sequence))"
  }

  /// yyyyMMdd in China Standard Time.
  static func compactDay(_ instant: Date) -> String {
    let day = Days.today(now: instant)
    return String(format: "%04d%02d%02d", day.year, day.month, day.day)
  }

  /// Appends the timeline entry for `action`, stores the case and writes its event.
  static func record(
    _ kase: inout Case, action: String, note: String = "", isNew: Bool = false,
    on connection: PostgresConnection, logger: Logger, now: Date
  ) async throws {
    let event = trace(&kase, action: action, note: note, now: now)
    try await save(kase, isNew: isNew, events: [event], on: connection, logger: logger)
  }

  /// Appends the timeline entry for `action` and returns the event telling it, the case as
  /// it is now, for ``save(_:isNew:events:on:logger:)``.
  static func trace(
    _ kase: inout Case, action: String, note: String = "", now: Date
  ) -> Outbox.Entry {
    let principal = Principal.current
    kase.updateTime = .init(date: now)
    kase.timeline.append(
      .with {
        $0.time = .init(date: now)
        $0.action = action
        $0.state = kase.state
        $0.actor = principal?.subject ?? "system"
        $0.actorRole = principal?.role.rawValue ?? "system"
        $0.note = note
      })
    return Outbox.Entry(
      type: "intake.case.\(action)", aggregateID: kase.caseNumber, payload: kase, at: now)
  }

  /// Stores the case with the events of its steps since it was read, in one statement.
  static func save(
    _ kase: Case, isNew: Bool, events: [Outbox.Entry], on connection: PostgresConnection,
    logger: Logger
  ) async throws {
    try await Outbox.append(
      events, alongside: storing(kase, body: try kase.serializedBytes(), isNew: isNew),
      on: connection, logger: logger)
  }

  /// The case stored with the events of its steps as a call's answer, for ``Idempotency``:
  /// the row's body and the answer are the same bytes, serialized once.
  static func saving(_ kase: Case, isNew: Bool, events: [Outbox.Entry]) throws -> Change<Case> {
    let bytes: [UInt8] = try kase.serializedBytes()
    return Change(
      kase, statement: storing(kase, body: bytes, isNew: isNew), events: events,
      answerBytes: bytes)
  }

  /// The statement that writes the case's row, `body` being the case serialized.
  static func storing(_ kase: Case, body bytes: [UInt8], isNew: Bool) -> PostgresQuery {
    let open = !isFinished(kase.state)
    let due: Date? = kase.hasDeadline && open ? kase.deadline.dueTime.date : nil
    let shortfallDeadline: Date? =
      kase.hasShortfall && !kase.shortfall.hasSuppliedTime && open
      ? kase.shortfall.supplementDeadline.date : nil
    let body = ByteBuffer(bytes: bytes)
    let state = Int16(kase.state.rawValue)
    if isNew {
      return """
        INSERT INTO cases (case_number, state, open, item_code, department_id, hall_id,
          applicant_id, agent_id, application_id, due_time, shortfall_deadline, updated_at, body)
        VALUES (\(kase.caseNumber), \(state), \(open), \(kase.itemCode), \(kase.departmentID),
          \(kase.hallID), \(kase.applicant.idNumber), \(kase.agent.agentIDNumber),
          \(kase.applicationID), \(due), \(shortfallDeadline), \(kase.updateTime.date), \(body))
        """
    } else {
      return """
        UPDATE cases SET state = \(state), open = \(open), hall_id = \(kase.hallID),
          item_code = \(kase.itemCode), department_id = \(kase.departmentID),
          due_time = \(due), shortfall_deadline = \(shortfallDeadline),
          updated_at = \(kase.updateTime.date), body = \(body)
        WHERE case_number = \(kase.caseNumber)
        """
    }
  }

  /// The case as a listing shows it: identifiers masked (SEC-2), no timeline.
  static func listed(_ kase: Case) -> Case {
    var copy = kase
    copy.applicant.idNumber = Masking.identifier(kase.applicant.idNumber)
    copy.applicant.phone = Masking.identifier(kase.applicant.phone)
    if kase.hasAgent {
      copy.agent.agentIDNumber = Masking.identifier(kase.agent.agentIDNumber)
    }
    copy.timeline = []
    return copy
  }
}
