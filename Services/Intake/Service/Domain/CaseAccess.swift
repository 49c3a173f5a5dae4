import HallAuth
import HallContracts
import HallServer

/// Who may see and do what to one case (SEC-1): an applicant their own cases (or those
/// they applied for as an agent), a clerk their hall's (and online cases no hall has
/// accepted yet), an approver their department's, supervisors and services everything.
enum CaseAccess {
  static func isOwn(_ kase: Case, by principal: Principal) -> Bool {
    kase.applicant.idNumber == principal.subject
      || (kase.hasAgent && kase.agent.agentIDNumber == principal.subject)
  }

  static func mayRead(_ kase: Case, by principal: Principal) -> Bool {
    switch principal.role {
    case .applicant: isOwn(kase, by: principal)
    case .clerk: kase.hallID.isEmpty || kase.hallID == principal.hallID
    case .approver, .departmentAdmin: kase.departmentID == principal.departmentID
    case .supervisor, .service, .districtLink: true
    case .catalogAdmin: false
    }
  }

  static func requireRead(_ kase: Case) throws(ServiceError) {
    let principal = try Caller.required()
    guard mayRead(kase, by: principal) else {
      throw .permissionDenied("case \(kase.caseNumber) is not yours to see")
    }
  }

  /// A window step: a clerk of the case's hall (any clerk while no hall has it).
  static func requireClerk(_ kase: Case) throws(ServiceError) -> Principal {
    let principal = try Caller.required()
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
  static func requireApprover(_ kase: Case) throws(ServiceError) -> Principal {
    let principal = try Caller.required()
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

  /// A back-office step on a case in one of `states`: the approver first, then the state.
  static func requireApprover(
    _ kase: Case, in states: Set<CaseState>, to action: String
  ) throws(ServiceError) -> Principal {
    let principal = try requireApprover(kase)
    try requireState(kase, in: states, to: action)
    return principal
  }

  /// A step of the applicant's: the applicant (or their agent), or a clerk at the window on
  /// their behalf.
  static func requireApplicantOrClerk(_ kase: Case) throws(ServiceError) -> Principal {
    let principal = try Caller.required()
    if principal.role == .clerk { return try requireClerk(kase) }
    guard principal.role == .applicant, isOwn(kase, by: principal) else {
      throw .permissionDenied("case \(kase.caseNumber) is not yours")
    }
    return principal
  }

  /// A required state, or FAILED_PRECONDITION saying what the case is and what was wanted.
  static func requireState(_ kase: Case, in states: Set<CaseState>, to action: String)
    throws(ServiceError)
  {
    guard states.contains(kase.state) else {
      throw .failedPrecondition(
        "cannot \(action): case \(kase.caseNumber) is \(CaseText.state(kase.state))")
    }
  }

  /// The cases a listing shows the caller (INT-11): a clerk their hall's (with the online
  /// cases no hall has accepted yet, unless they asked for a hall), an approver their
  /// department's, an applicant their own.
  static func listing(_ request: ListCasesRequest, by principal: Principal) throws(ServiceError)
    -> CaseFilter
  {
    var filter = CaseFilter(
      state: request.state, hall: request.hallID, department: request.departmentID,
      itemCode: request.itemCode, openOnly: request.openOnly)
    switch principal.role {
    case .applicant:
      filter.person = principal.subject
    case .clerk:
      guard filter.hall.isEmpty || filter.hall == principal.hallID else {
        throw .permissionDenied("a clerk lists the cases of their own hall")
      }
      filter.hall = principal.hallID ?? "-"
      filter.unclaimed = request.hallID.isEmpty
    case .approver, .departmentAdmin:
      guard filter.department.isEmpty || filter.department == principal.departmentID else {
        throw .permissionDenied("an approver lists the cases of their own department")
      }
      filter.department = principal.departmentID ?? "-"
    default:
      break
    }
    return filter
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

/// What a listing of cases asks for and may see; an empty text means unrestricted.
struct CaseFilter: Sendable {
  var state: CaseState
  var hall: String
  var department: String
  var itemCode: String
  var openOnly: Bool
  /// An applicant's or agent's id number: their own cases only.
  var person = ""
  /// Online cases nobody has accepted yet wait for any hall's clerks.
  var unclaimed = false
}

/// Words for states in messages.
enum CaseText {
  static func state(_ state: CaseState) -> String {
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
