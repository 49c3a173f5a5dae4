import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The queue tickets (INT-2), stored whole with the columns their order and listings need.
struct TicketStore {
  let db: Database

  /// Holds the hall's numbering until the transaction ends: numbers are handed out one at a
  /// time per hall, in issue order.
  func lockNumbering(hall: String) async throws {
    let lockKey = "hall.tickets.\(hall)"
    try await db.perform("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))")
  }

  /// The number after the last one the hall issued on `day`.
  func nextSequence(hall: String, day: CivilDate) async throws -> Int {
    try await db.query(
      """
      SELECT coalesce(max(sequence), 0) + 1 FROM tickets
      WHERE hall_id = \(hall) AND day = \(day.dayNumber)
      """)[0].decode(Int.self)
  }

  /// The hall's longest-waiting ticket, locked; one another clerk is calling is skipped.
  func lockNextWaiting(hall: String) async throws -> Ticket? {
    let rows = try await db.query(
      """
      SELECT body FROM tickets WHERE hall_id = \(hall) AND state = 1
      ORDER BY issue_time, sequence LIMIT 1 FOR UPDATE SKIP LOCKED
      """)
    return try rows.first.map { try Ticket(bytea: try $0.decode(ByteBuffer.self)) }
  }

  /// The ticket, locked for the rest of the transaction; `field` names it in the request.
  func lock(_ id: String, field: String) async throws -> Ticket {
    guard !id.isEmpty else {
      throw ServiceError.invalidArgument(field: field, message: "is required")
    }
    let rows = try await db.query("SELECT body FROM tickets WHERE id = \(id) FOR UPDATE")
    guard let row = rows.first else { throw ServiceError.notFound("ticket \(id) does not exist") }
    return try Ticket(bytea: try row.decode(ByteBuffer.self))
  }

  /// A page of the hall's tickets in `state` (any when unspecified), in id order after `after`.
  func list(hall: String, state: TicketState, after: String, limit: Int)
    async throws -> [Ticket]
  {
    let state = Int16(state.rawValue)
    let rows = try await db.query(
      """
      SELECT body FROM tickets
      WHERE hall_id = \(hall) AND (\(state) = 0 OR state = \(state)) AND id > \(after)
      ORDER BY id LIMIT \(limit)
      """)
    return try rows.map { try Ticket(bytea: try $0.decode(ByteBuffer.self)) }
  }

  /// Stores the ticket's change with its event, in one statement.
  func save(_ ticket: Ticket, event: Outbox.Entry) async throws {
    try await Outbox.append([event], alongside: try Self.updating(ticket), on: db)
  }

  /// The statement that writes a new ticket, the `sequence`th of its hall's `day`.
  static func inserting(_ ticket: Ticket, day: CivilDate, sequence: Int) throws -> PostgresQuery {
    """
    INSERT INTO tickets (id, hall_id, day, sequence, state, issue_time, body)
    VALUES (\(ticket.id), \(ticket.hallID), \(day.dayNumber), \(sequence),
      \(Int16(ticket.state.rawValue)), \(ticket.issueTime.date), \(try ticket.bytea()))
    """
  }

  /// The statement that writes the ticket's change.
  static func updating(_ ticket: Ticket) throws -> PostgresQuery {
    """
    UPDATE tickets SET state = \(Int16(ticket.state.rawValue)), body = \(try ticket.bytea())
    WHERE id = \(ticket.id)
    """
  }
}
