import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// Queue tickets [取号] (INT-2): issued in order per hall and day, called to a window, served.
extension IntakeHandlers {
  func issueTicket(request: IssueTicketRequest, context: ServerContext) async throws -> Ticket {
    let hall = try Tickets.hall(for: request, by: try Caller.required())
    return try await service.change(request.requestID, context) { db in
      let now = service.clock.now
      let day = Days.today(now: now)
      let tickets = TicketStore(db: db)
      try await tickets.lockNumbering(hall: hall)
      let sequence = try await tickets.nextSequence(hall: hall, day: day)
      let ticket = Tickets.issue(
        request, hall: hall, sequence: sequence, now: now, prefix: service.identity.idPrefix)
      return Change(
        ticket, statement: try TicketStore.inserting(ticket, day: day, sequence: sequence),
        events: [ticket.event(.issued, at: now)])
    }
  }

  func callNextTicket(request: CallNextTicketRequest, context: ServerContext) async throws
    -> Ticket
  {
    let principal = try Caller.required()
    guard let hall = principal.hallID, !hall.isEmpty else {
      throw ServiceError.permissionDenied("the clerk's token names no hall")
    }
    try Text.require(request.windowID, field: "window_id", max: 20)
    return try await service.change(request.requestID, context) { db in
      guard var ticket = try await TicketStore(db: db).lockNextWaiting(hall: hall) else {
        throw ServiceError.failedPrecondition("nobody is waiting in hall \(hall)")
      }
      let now = service.clock.now
      Tickets.call(&ticket, to: request.windowID, by: principal, now: now)
      return try changing(ticket, .called, now: now)
    }
  }

  func finishTicket(request: FinishTicketRequest, context: ServerContext) async throws -> Ticket {
    let principal = try Caller.required()
    return try await service.change(request.requestID, context) { db in
      var ticket = try await TicketStore(db: db).lock(request.ticketID, field: "ticket_id")
      try Tickets.requireCalled(ticket, by: principal, waiting: "is not called yet")
      let now = service.clock.now
      let action = Tickets.finish(&ticket, noShow: request.noShow, now: now)
      return try changing(ticket, action, now: now)
    }
  }

  func listTickets(request: ListTicketsRequest, context: ServerContext) async throws
    -> ListTicketsResponse
  {
    let principal = try Caller.required()
    let hall = request.hallID.isEmpty ? (principal.hallID ?? "") : request.hallID
    guard hall == principal.hallID else {
      throw ServiceError.permissionDenied("a clerk lists the tickets of their own hall")
    }
    let size = try Paging.size(request.pageSize, default: 100, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let rows = try await service.read { db in
      try await TicketStore(db: db).list(
        hall: hall, state: request.state, after: after, limit: size + 1)
    }
    let now = service.clock.now
    let page = Page(rows.map { Tickets.listed($0, now: now) }, size: size, key: \.id)
    return .with {
      $0.tickets = page.items
      $0.nextPageToken = page.nextToken
    }
  }

  /// The ticket called to this clerk's window is served by opening the case.
  func serveTicket(
    _ ticketID: String, for kase: inout Case, by principal: Principal, db: Database, now: Date
  ) async throws {
    guard !ticketID.isEmpty else { return }
    guard principal.role == .clerk else {
      throw ServiceError.invalidArgument(field: "ticket_id", message: "only a clerk serves tickets")
    }
    let tickets = TicketStore(db: db)
    var ticket = try await tickets.lock(ticketID, field: "ticket_id")
    try Tickets.requireCalled(ticket, by: principal, waiting: "has not been called to a window")
    Tickets.serve(&ticket, opening: &kase, now: now)
    try await tickets.save(ticket, event: ticket.event(.served, at: now))
  }

  /// The ticket's change with its event, as the call's answer.
  private func changing(_ ticket: Ticket, _ action: TicketAction, now: Date) throws
    -> Change<Ticket>
  {
    Change(
      ticket, statement: try TicketStore.updating(ticket), events: [ticket.event(action, at: now)])
  }
}
