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

/// Queue tickets [取号] (INT-2): issued in order per hall and day, called to a window, served.
/// The wait (issue to call) is kept on the ticket and travels in its events, for the
/// supervision rule on waits over 30 minutes.
extension IntakeRPC {
  func issueTicket(
    request: Hall_Intake_V1_IssueTicketRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Ticket {
    let principal = try CaseAccess.caller
    let hall = request.hallID.isEmpty ? (principal.hallID ?? "") : request.hallID
    guard !hall.isEmpty else {
      throw ServiceError.invalidArgument(
        field: "hall_id", message: "is required (the caller's token names no hall)")
    }
    guard Identifiers.isCode(hall) else {
      throw ServiceError.invalidArgument(
        field: "hall_id", message: "must be 2 to 40 letters, digits or '-'")
    }
    if principal.role == .clerk, let own = principal.hallID, own != hall {
      throw ServiceError.permissionDenied("a clerk issues tickets of their own hall (\(own))")
    }
    guard request.itemCode.isEmpty || request.bundleCode.isEmpty else {
      throw ServiceError.invalidArgument(
        field: "bundle_code", message: "give an item code or a bundle code, not both")
    }
    return try await once(request.requestID, "IssueTicket") { connection in
      let now = clock.now
      let day = Days.today(now: now)
      // Numbers are handed out one at a time per hall, in issue order.
      let lockKey = "hall.tickets.\(hall)"
      try await connection.perform(
        "SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))", logger: logger)
      let rows = try await connection.query(
        """
        SELECT coalesce(max(sequence), 0) + 1 FROM tickets
        WHERE hall_id = \(hall) AND day = \(day.dayNumber)
        """, logger: logger
      ).collect()
      let sequence = try rows[0].decode(Int.self)
      let ticket = Hall_Intake_V1_Ticket.with {
        $0.id = "T-\(hall)-\(CaseStore.compactDay(now))-\(sequence)"
        $0.hallID = hall
        // Three digits at least and never wrapped: the thousandth of a day is A1000, so no
        // two waiting applicants of one hall hold the same number.
        $0.number = "A" + String(format: "%03d", sequence)
        $0.itemCode = request.itemCode
        $0.bundleCode = request.bundleCode
        $0.state = .waiting
        $0.issueTime = .init(date: now)
      }
      try await connection.query(
        """
        INSERT INTO tickets (id, hall_id, day, sequence, state, issue_time, body)
        VALUES (\(ticket.id), \(hall), \(day.dayNumber), \(sequence),
          \(Int16(ticket.state.rawValue)), \(now), \(try ticket.bytea()))
        """, logger: logger)
      try await Outbox.append(
        type: "intake.ticket.issued", aggregateID: ticket.id, payload: ticket, at: now,
        on: connection, logger: logger)
      return ticket
    }
  }

  func callNextTicket(
    request: Hall_Intake_V1_CallNextTicketRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Ticket {
    let principal = try CaseAccess.caller
    guard let hall = principal.hallID, !hall.isEmpty else {
      throw ServiceError.permissionDenied("the clerk's token names no hall")
    }
    try Text.require(request.windowID, field: "window_id", max: 20)
    return try await once(request.requestID, "CallNextTicket") { connection in
      let rows = try await connection.query(
        """
        SELECT body FROM tickets WHERE hall_id = \(hall) AND state = 1
        ORDER BY issue_time, sequence LIMIT 1 FOR UPDATE SKIP LOCKED
        """, logger: logger
      ).collect()
      guard let row = rows.first else {
        throw ServiceError.failedPrecondition("nobody is waiting in hall \(hall)")
      }
      var ticket = try Hall_Intake_V1_Ticket(bytea: try row.decode(ByteBuffer.self))
      let now = clock.now
      ticket.state = .called
      ticket.callTime = .init(date: now)
      ticket.windowID = request.windowID
      ticket.clerkID = principal.subject
      ticket.waitSeconds = Int64(now.timeIntervalSince(ticket.issueTime.date))
      try await save(ticket, action: "called", on: connection)
      return ticket
    }
  }

  func finishTicket(
    request: Hall_Intake_V1_FinishTicketRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Ticket {
    let principal = try CaseAccess.caller
    return try await once(request.requestID, "FinishTicket") { connection in
      var ticket = try await lockTicket(request.ticketID, field: "ticket_id", on: connection)
      guard ticket.hallID == principal.hallID else {
        throw ServiceError.permissionDenied("ticket \(ticket.id) is of another hall")
      }
      guard ticket.state == .called else {
        throw ServiceError.failedPrecondition(
          "ticket \(ticket.id) is \(ticket.state == .waiting ? "not called yet" : "already finished")"
        )
      }
      ticket.state = request.noShow ? .noShow : .served
      ticket.serveTime = .init(date: clock.now)
      try await save(ticket, action: request.noShow ? "no_show" : "served", on: connection)
      return ticket
    }
  }

  func listTickets(
    request: Hall_Intake_V1_ListTicketsRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_ListTicketsResponse {
    let principal = try CaseAccess.caller
    let hall = request.hallID.isEmpty ? (principal.hallID ?? "") : request.hallID
    guard hall == principal.hallID else {
      throw ServiceError.permissionDenied("a clerk lists the tickets of their own hall")
    }
    let size = try Paging.size(request.pageSize, default: 100, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let state = Int16(request.state.rawValue)
    let rows = try await db.query(
      """
      SELECT id, body FROM tickets
      WHERE hall_id = \(hall) AND (\(state) = 0 OR state = \(state)) AND id > \(after)
      ORDER BY id LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Intake_V1_ListTicketsResponse()
    for row in rows.prefix(size) {
      let (_, body) = try row.decode((String, ByteBuffer).self)
      var ticket = try Hall_Intake_V1_Ticket(bytea: body)
      if ticket.state == .waiting {
        ticket.waitSeconds = Int64(clock.now.timeIntervalSince(ticket.issueTime.date))
      }
      response.tickets.append(ticket)
    }
    if rows.count > size { response.nextPageToken = Paging.token(after: response.tickets.last?.id) }
    return response
  }

  func lockTicket(_ id: String, field: String, on connection: PostgresConnection) async throws
    -> Hall_Intake_V1_Ticket
  {
    guard !id.isEmpty else {
      throw ServiceError.invalidArgument(field: field, message: "is required")
    }
    let rows = try await connection.query(
      "SELECT body FROM tickets WHERE id = \(id) FOR UPDATE", logger: logger
    ).collect()
    guard let row = rows.first else { throw ServiceError.notFound("ticket \(id) does not exist") }
    return try Hall_Intake_V1_Ticket(bytea: try row.decode(ByteBuffer.self))
  }

  func save(_ ticket: Hall_Intake_V1_Ticket, action: String, on connection: PostgresConnection)
    async throws
  {
    try await connection.query(
      """
      UPDATE tickets SET state = \(Int16(ticket.state.rawValue)), body = \(try ticket.bytea())
      WHERE id = \(ticket.id)
      """, logger: logger)
    try await Outbox.append(
      type: "intake.ticket.\(action)", aggregateID: ticket.id, payload: ticket, at: clock.now,
      on: connection, logger: logger)
  }
}
