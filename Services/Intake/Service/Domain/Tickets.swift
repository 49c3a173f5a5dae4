import Foundation
import HallAuth
import HallContracts
import HallServer
import SwiftProtobuf

/// Queue tickets [取号] (INT-2): issued in order per hall and day, called to a window, served.
/// The wait (issue to call) is kept on the ticket and travels in its events, for the
/// supervision rule on waits over 30 minutes.
enum Tickets {
  /// The hall a ticket is issued in: the one asked for, else the caller's; a clerk issues
  /// their own hall's only.
  static func hall(for request: IssueTicketRequest, by principal: Principal) throws(ServiceError)
    -> String
  {
    let hall = request.hallID.isEmpty ? (principal.hallID ?? "") : request.hallID
    guard !hall.isEmpty else {
      throw .invalidArgument(
        field: "hall_id", message: "is required (the caller's token names no hall)")
    }
    guard Identifiers.isCode(hall) else {
      throw .invalidArgument(field: "hall_id", message: "must be 2 to 40 letters, digits or '-'")
    }
    if principal.role == .clerk, let own = principal.hallID, own != hall {
      throw .permissionDenied("a clerk issues tickets of their own hall (\(own))")
    }
    guard request.itemCode.isEmpty || request.bundleCode.isEmpty else {
      throw .invalidArgument(
        field: "bundle_code", message: "give an item code or a bundle code, not both")
    }
    return hall
  }

  /// The `sequence`th ticket of the hall's day, waiting; its id begins with the
  /// deployment's prefix in the network.
  static func issue(
    _ request: IssueTicketRequest, hall: String, sequence: Int, now: Date, prefix: String = ""
  ) -> Ticket {
    .with {
      $0.id = "\(prefix)T-\(hall)-\(Receipt.compactDay(now))-\(sequence)"
      $0.hallID = hall
      // Three digits at least and never wrapped: the thousandth of a day is A1000, so no
      // two waiting applicants of one hall hold the same number.
      $0.number = "A" + String(format: "%03d", sequence)
      $0.itemCode = request.itemCode
      $0.bundleCode = request.bundleCode
      $0.state = .waiting
      $0.issueTime = .init(date: now)
    }
  }

  /// Called to the clerk's window, with the wait it ends.
  static func call(_ ticket: inout Ticket, to windowID: String, by principal: Principal, now: Date)
  {
    ticket.state = .called
    ticket.callTime = .init(date: now)
    ticket.windowID = windowID
    ticket.clerkID = principal.subject
    ticket.waitSeconds = Int64(now.timeIntervalSince(ticket.issueTime.date))
  }

  /// A ticket of the clerk's hall, called to a window and not finished; `waiting` says what
  /// is wrong with one still waiting.
  static func requireCalled(_ ticket: Ticket, by principal: Principal, waiting: String)
    throws(ServiceError)
  {
    guard ticket.hallID == principal.hallID else {
      throw .permissionDenied("ticket \(ticket.id) is of another hall")
    }
    guard ticket.state == .called else {
      throw .failedPrecondition(
        "ticket \(ticket.id) \(ticket.state == .waiting ? waiting : "is already finished")")
    }
  }

  /// Finished: served, or the applicant did not come to the window.
  static func finish(_ ticket: inout Ticket, noShow: Bool, now: Date) -> TicketAction {
    ticket.state = noShow ? .noShow : .served
    ticket.serveTime = .init(date: now)
    return noShow ? .noShow : .served
  }

  /// Served by opening the case.
  static func serve(_ ticket: inout Ticket, opening kase: inout Case, now: Date) {
    ticket.state = .served
    ticket.serveTime = .init(date: now)
    ticket.caseNumber = kase.caseNumber
    kase.ticketID = ticket.id
  }

  /// The ticket as a listing shows it: a waiting one with its wait so far.
  static func listed(_ ticket: Ticket, now: Date) -> Ticket {
    var ticket = ticket
    if ticket.state == .waiting {
      ticket.waitSeconds = Int64(now.timeIntervalSince(ticket.issueTime.date))
    }
    return ticket
  }
}
