import Foundation
import HallAuth
import HallContracts
import HallServer
import SwiftProtobuf

/// What happened to a case, as its timeline and the feed name it (INT-12): the event type is
/// `intake.case.<action>`, which rating and supervision follow, so each raw value is part of
/// the contract between the services.
enum CaseAction: String, Sendable {
  case received
  case accepted
  case acceptedWithShortfall = "accepted_with_shortfall"
  case correctionRequested = "correction_requested"
  case refused
  case decided
  case corrected
  case shortfallSupplied = "shortfall_supplied"
  case withdrawn
  case reviewStarted = "review_started"
  case specialProcedureStarted = "special_procedure_started"
  case specialProcedureEnded = "special_procedure_ended"
  case deadlineExtended = "deadline_extended"
  case escalated
  /// Passed up to the deployment above, received from a deployment below, and the reply of
  /// the one above (FED-4).
  case passedUp = "passed_up"
  case receivedFromBelow = "received_from_below"
  case replied
  case licenceIssued = "licence_issued"
  case delivered
  case feeRecorded = "fee_recorded"
  case visitRecorded = "visit_recorded"
  case dueTimeChanged = "due_time_changed"

  var eventType: String { "intake.case.\(rawValue)" }
}

/// What happened to a queue ticket (INT-2): `intake.ticket.<action>`.
enum TicketAction: String, Sendable {
  case issued
  case called
  case served
  case noShow = "no_show"

  var eventType: String { "intake.ticket.\(rawValue)" }
}

/// What happened to a one-thing application (INT-8): `intake.application.<action>`.
enum ApplicationAction: String, Sendable {
  case received

  var eventType: String { "intake.application.\(rawValue)" }
}

/// One step of a case, as its timeline shows it: what was done, and a note saying how.
struct CaseStep: Sendable, Equatable {
  var action: CaseAction
  var note: String

  init(_ action: CaseAction, note: String = "") {
    self.action = action
    self.note = note
  }
}

extension Case {
  /// Appends the timeline entry of `step`, by the caller (or "system" for a timer), and
  /// returns the event telling it with the case as it is now. Every change is traced so: no
  /// change exists without its trace (SEC-3) and its event (INT-12).
  mutating func trace(_ step: CaseStep, now: Date) -> Outbox.Entry {
    let principal = Principal.current
    updateTime = .init(date: now)
    timeline.append(
      .with {
        $0.time = .init(date: now)
        $0.action = step.action.rawValue
        $0.state = state
        $0.actor = Caller.actor
        $0.actorRole = principal?.role.rawValue ?? "system"
        $0.note = step.note
      })
    return Outbox.Entry(
      type: step.action.eventType, aggregateID: caseNumber, payload: self, at: now)
  }

  mutating func trace(_ action: CaseAction, note: String = "", now: Date) -> Outbox.Entry {
    trace(CaseStep(action, note: note), now: now)
  }
}

extension Ticket {
  /// The event telling `action`, with the ticket as it is now.
  func event(_ action: TicketAction, at now: Date) -> Outbox.Entry {
    Outbox.Entry(type: action.eventType, aggregateID: id, payload: self, at: now)
  }
}

extension BundleApplication {
  /// The event telling `action`, with the application as it is now.
  func event(_ action: ApplicationAction, at now: Date) -> Outbox.Entry {
    Outbox.Entry(type: action.eventType, aggregateID: id, payload: self, at: now)
  }
}
