import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The cases table. A case is stored whole as its contract message, with the columns that
/// listings, access checks and timers filter on extracted beside it. Every change is written
/// with the events of its steps in one statement (``save(_:isNew:events:)``, or
/// ``saving(_:isNew:events:)`` for a call's last write): no change exists without its trace
/// (SEC-3) and its event (INT-12).
struct CaseStore {
  let db: Database

  /// The case, locked for the rest of the transaction.
  func lock(_ caseNumber: String) async throws -> Case {
    try await lockReadingCalendar(caseNumber).case
  }

  /// The case, locked, and the working calendar's revision read in the same round trip, for
  /// a change that needs both (CalendarSource).
  func lockReadingCalendar(_ caseNumber: String) async throws
    -> (case: Case, calendarRevision: Int64)
  {
    try Self.require(caseNumber)
    let rows = try await db.prepared(
      """
      SELECT body, (SELECT revision FROM calendar_revision) FROM cases
      WHERE case_number = \(caseNumber) FOR UPDATE
      """)
    let (body, revision) = try Self.only(rows, caseNumber).decode((ByteBuffer, Int64?).self)
    return (try Case(bytea: body), revision ?? 0)
  }

  /// Whether a case received from a deployment below is here already (``Case/passedFromKey``).
  func exists(passedFrom key: String) async throws -> Bool {
    try await !db.query("SELECT 1 FROM cases WHERE passed_from = \(key)").isEmpty
  }

  func get(_ caseNumber: String) async throws -> Case {
    try Self.require(caseNumber)
    let rows = try await db.query("SELECT body FROM cases WHERE case_number = \(caseNumber)")
    return try Case(bytea: try Self.only(rows, caseNumber).decode(ByteBuffer.self))
  }

  /// A page of the cases `filter` lets through, in case number order after `after`.
  func list(_ filter: CaseFilter, after: String, limit: Int) async throws -> [Case] {
    let state = Int16(filter.state.rawValue)
    let (hall, department, item, person) =
      (filter.hall, filter.department, filter.itemCode, filter.person)
    return try Self.cases(
      try await db.query(
        """
        SELECT body FROM cases
        WHERE case_number > \(after)
          AND (\(state) = 0 OR state = \(state))
          AND (\(hall) = '' OR hall_id = \(hall) OR (\(filter.unclaimed) AND hall_id = ''))
          AND (\(department) = '' OR department_id = \(department))
          AND (\(item) = '' OR item_code = \(item))
          AND (\(person) = '' OR applicant_id = \(person) OR agent_id = \(person))
          AND (NOT \(filter.openOnly) OR open)
        ORDER BY case_number LIMIT \(limit)
        """))
  }

  /// The sub-cases of a one-thing application.
  func cases(ofApplication id: String) async throws -> [Case] {
    try Self.cases(
      try await db.query(
        "SELECT body FROM cases WHERE application_id = \(id) ORDER BY case_number"))
  }

  /// The next value of the deployment-wide case number sequence (``Receipt/caseNumber(itemCode:at:sequence:)``).
  func nextCaseSequence() async throws -> Int64 {
    try await db.query("SELECT nextval('case_number_sequence')")[0].decode(Int64.self)
  }

  /// Up to `limit` cases whose shortfall deadline passed before `now`, locked; cases another
  /// instance has locked are left to it.
  func lockExpiredShortfalls(before now: Date, limit: Int) async throws -> [Case] {
    try Self.cases(
      try await db.query(
        """
        SELECT body FROM cases WHERE shortfall_deadline < \(now)
        ORDER BY shortfall_deadline LIMIT \(limit) FOR UPDATE SKIP LOCKED
        """))
  }

  /// Up to `limit` open cases with a due time after `caseNumber`, in case number order,
  /// locked.
  func lockOpenWithDueTime(after caseNumber: String, limit: Int) async throws -> [Case] {
    try Self.cases(
      try await db.query(
        """
        SELECT body FROM cases
        WHERE open AND due_time IS NOT NULL AND case_number > \(caseNumber)
        ORDER BY case_number LIMIT \(limit) FOR UPDATE
        """))
  }

  /// Stores the case with the events of its steps since it was read, in one statement.
  func save(_ kase: Case, isNew: Bool, events: [Outbox.Entry]) async throws {
    try await Outbox.append(
      events, alongside: Self.storing(kase, body: try kase.serializedBytes(), isNew: isNew),
      on: db)
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
  private static func storing(_ kase: Case, body bytes: [UInt8], isNew: Bool) -> PostgresQuery {
    let open = !kase.state.isFinal
    let due: Date? = kase.hasDeadline && open ? kase.deadline.dueTime.date : nil
    let shortfallDeadline: Date? =
      kase.hasShortfall && !kase.shortfall.hasSuppliedTime && open
      ? kase.shortfall.supplementDeadline.date : nil
    let body = ByteBuffer(bytes: bytes)
    let state = Int16(kase.state.rawValue)
    if isNew {
      return """
        INSERT INTO cases (case_number, state, open, item_code, department_id, hall_id,
          applicant_id, agent_id, application_id, due_time, shortfall_deadline, updated_at, body,
          passed_from)
        VALUES (\(kase.caseNumber), \(state), \(open), \(kase.itemCode), \(kase.departmentID),
          \(kase.hallID), \(kase.applicant.idNumber), \(kase.agent.agentIDNumber),
          \(kase.applicationID), \(due), \(shortfallDeadline), \(kase.updateTime.date), \(body),
          \(kase.passedFromKey))
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

  private static func require(_ caseNumber: String) throws(ServiceError) {
    guard !caseNumber.isEmpty else {
      throw .invalidArgument(field: "case_number", message: "is required")
    }
  }

  /// The one row read for `caseNumber`, or NOT_FOUND.
  private static func only(_ rows: [PostgresRow], _ caseNumber: String) throws(ServiceError)
    -> PostgresRow
  {
    guard let row = rows.first else { throw .notFound("case \(caseNumber) does not exist") }
    return row
  }

  private static func cases(_ rows: [PostgresRow]) throws -> [Case] {
    try rows.map { try Case(bytea: try $0.decode(ByteBuffer.self)) }
  }
}

extension Case {
  /// The key a case received from a deployment below is taken once by: its region and its
  /// case there; nil for a case of this deployment's own.
  var passedFromKey: String? {
    hasPassedFrom ? "\(passedFrom.regionCode)/\(passedFrom.caseNumber)" : nil
  }
}
