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

/// Who may see and do what to one case (SEC-1): an applicant their own cases (or those
/// they applied for as an agent), a clerk their hall's (and online cases no hall has
/// accepted yet), an approver their department's, supervisors and services everything.
enum CaseAccess {
  static var caller: Principal {
    get throws(ServiceError) {
      guard let principal = Principal.current else {
        throw .permissionDenied("this call needs a bearer token")
      }
      return principal
    }
  }

  static func isOwn(_ kase: Hall_Intake_V1_Case, by principal: Principal) -> Bool {
    kase.applicant.idNumber == principal.subject
      || (kase.hasAgent && kase.agent.agentIDNumber == principal.subject)
  }

  static func mayRead(_ kase: Hall_Intake_V1_Case, by principal: Principal) -> Bool {
    switch principal.role {
    case .applicant: isOwn(kase, by: principal)
    case .clerk: kase.hallID.isEmpty || kase.hallID == principal.hallID
    case .approver, .departmentAdmin: kase.departmentID == principal.departmentID
    case .supervisor, .service, .districtLink: true
    case .catalogAdmin: false
    }
  }

  static func requireRead(_ kase: Hall_Intake_V1_Case) throws(ServiceError) {
    let principal = try caller
    guard mayRead(kase, by: principal) else {
      throw .permissionDenied("case \(kase.caseNumber) is not yours to see")
    }
  }

  /// A window step: a clerk of the case's hall (any clerk while no hall has it).
  static func requireClerk(_ kase: Hall_Intake_V1_Case) throws(ServiceError) -> Principal {
    let principal = try caller
    guard principal.role == .clerk else {
      throw .permissionDenied("only a window clerk may do this")
    }
    guard kase.hallID.isEmpty || kase.hallID == principal.hallID else {
      throw .permissionDenied(
        "case \(kase.caseNumber) belongs to hall \(kase.hallID), not \(principal.hallID ?? "none")")
    }
    return principal
  }

  /// A back-office step: an approver of the department that owns the item.
  static func requireApprover(_ kase: Hall_Intake_V1_Case) throws(ServiceError) -> Principal {
    let principal = try caller
    guard principal.role == .approver else {
      throw .permissionDenied("only an approver of the owning department may do this")
    }
    guard kase.departmentID == principal.departmentID else {
      throw .permissionDenied(
        "case \(kase.caseNumber) belongs to department \(kase.departmentID), not \(principal.departmentID ?? "none")"
      )
    }
    return principal
  }

  /// A step of the applicant's: the applicant (or their agent), or a clerk at the window on
  /// their behalf.
  static func requireApplicantOrClerk(_ kase: Hall_Intake_V1_Case) throws(ServiceError)
    -> Principal
  {
    let principal = try caller
    if principal.role == .clerk { return try requireClerk(kase) }
    guard principal.role == .applicant, isOwn(kase, by: principal) else {
      throw .permissionDenied("case \(kase.caseNumber) is not yours")
    }
    return principal
  }

  /// A required state, or FAILED_PRECONDITION saying what the case is and what was wanted.
  static func requireState(
    _ kase: Hall_Intake_V1_Case, in states: Set<Hall_Intake_V1_CaseState>, to action: String
  ) throws(ServiceError) {
    guard states.contains(kase.state) else {
      throw .failedPrecondition(
        "cannot \(action): case \(kase.caseNumber) is \(CaseText.state(kase.state))")
    }
  }
}

/// Words for states in messages.
enum CaseText {
  static func state(_ state: Hall_Intake_V1_CaseState) -> String {
    switch state {
    case .received: "received, not yet accepted"
    case .accepted: "accepted, waiting for review"
    case .refused: "refused"
    case .correctionRequested: "waiting for a correction"
    case .inReview: "under review"
    case .specialProcedure: "in a special procedure"
    case .approved: "approved, licence not yet issued"
    case .denied: "denied"
    case .withdrawn: "withdrawn"
    case .issued: "issued, not yet delivered"
    case .delivered: "delivered"
    case .escalated: "escalated to a higher level"
    default: "in an unknown state"
    }
  }
}
