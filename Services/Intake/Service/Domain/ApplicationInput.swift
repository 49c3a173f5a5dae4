import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer

/// What a single case's submission and a one-thing application's share: who applies through
/// which channel, with what, and how the result is delivered.
protocol ApplicationRequest {
  var requestID: String { get }
  var channel: Channel { get }
  var applicant: Applicant { get }
  var hasAgent: Bool { get }
  var agent: AgentMandate { get }
  var providedMaterialIds: [String] { get }
  var form: [String: String] { get }
  var delivery: Delivery { get }
  var windowID: String { get }
  var ticketID: String { get }
}

extension ApplicationRequest {
  /// The agent's mandate, when an agent applies.
  var mandate: AgentMandate? { hasAgent ? agent : nil }
}

extension SubmitCaseRequest: ApplicationRequest {}
extension SubmitBundleApplicationRequest: ApplicationRequest {}

/// Checks of what an application brings, shared by single cases and one-thing applications.
/// Each refusal names the field at fault (REL-3); nothing is stored before all pass.
enum ApplicationInput {
  /// Everything about an application that needs no database: the request id, who applies
  /// through which channel (and with whose mandate), and how the result is delivered.
  static func validate(_ request: some ApplicationRequest, principal: Principal, now: Date)
    throws(ServiceError)
  {
    try Idempotency.validate(requestID: request.requestID)
    try validate(applicant: request.applicant)
    try validate(
      channel: request.channel, applicant: request.applicant, agent: request.mandate,
      windowID: request.windowID, principal: principal, today: Days.today(now: now))
    try validate(delivery: request.delivery)
  }

  /// A single case's application against the version in force: a channel it offers, the
  /// guide's materials, its form.
  static func validate(_ request: SubmitCaseRequest, against version: ItemVersion)
    throws(ServiceError)
  {
    try validate(channel: request.channel, offered: version.spec.channels, item: version.itemCode)
    try validate(
      materialIDs: request.providedMaterialIds, known: Set(version.spec.materials.map(\.id)),
      field: "provided_material_ids")
    try validate(form: request.form, fields: version.spec.formFields)
  }

  static func validate(applicant: Applicant, field: String = "applicant")
    throws(ServiceError)
  {
    switch applicant.kind {
    case .citizen:
      if let problem = ApplicantIdentity.residentIDProblem(applicant.idNumber) {
        throw .invalidArgument(field: "\(field).id_number", message: problem)
      }
    case .legalPerson:
      if let problem = ApplicantIdentity.creditCodeProblem(applicant.idNumber) {
        throw .invalidArgument(field: "\(field).id_number", message: problem)
      }
      try Text.require(applicant.contactName, field: "\(field).contact_name", max: 100)
    default:
      throw .invalidArgument(field: "\(field).kind", message: "must be CITIZEN or LEGAL_PERSON")
    }
    try Text.require(applicant.name, field: "\(field).name", max: 100)
    let phone = applicant.phone
    guard
      phone.isEmpty
        || (phone.count <= 20 && phone.allSatisfy { $0.isNumber || $0 == "+" || $0 == "-" })
    else {
      throw .invalidArgument(
        field: "\(field).phone", message: "may hold digits, '+' and '-', up to 20 characters")
    }
  }

  /// The caller must be the applicant, a clerk at the window, or an agent with a mandate
  /// (INT-10); a window channel needs a clerk, the online channels the applicant's side.
  static func validate(
    channel: Channel, applicant: Applicant, agent: AgentMandate?, windowID: String,
    principal: Principal, today: CivilDate
  ) throws(ServiceError) {
    switch channel {
    case .window, .courier:
      guard principal.role == .clerk else {
        throw .permissionDenied("window and courier applications are entered by a clerk")
      }
      if channel == .window { try Text.require(windowID, field: "window_id", max: 20) }
    case .pc, .mobile, .selfService:
      guard principal.role == .applicant else {
        throw .invalidArgument(
          field: "channel", message: "a clerk enters applications of the WINDOW or COURIER channel")
      }
    default:
      throw .invalidArgument(
        field: "channel", message: "must be WINDOW, PC, MOBILE, COURIER or SELF_SERVICE")
    }
    if principal.role == .applicant, principal.subject != applicant.idNumber, agent == nil {
      throw .permissionDenied(
        "you apply for someone else: an agent needs the applicant's mandate (agent)")
    }
    guard let agent else { return }
    try validate(agent: agent, applicant: applicant, principal: principal, today: today)
  }

  /// An agent's mandate (INT-10): a valid id, the caller's own when an applicant calls,
  /// named and numbered, in force today.
  static func validate(
    agent: AgentMandate, applicant: Applicant, principal: Principal, today: CivilDate
  ) throws(ServiceError) {
    if let problem = ApplicantIdentity.residentIDProblem(agent.agentIDNumber) {
      throw .invalidArgument(field: "agent.agent_id_number", message: problem)
    }
    if principal.role == .applicant, principal.subject != agent.agentIDNumber {
      throw .permissionDenied("the agent named in the mandate must be the caller")
    }
    guard agent.agentIDNumber != applicant.idNumber else {
      throw .invalidArgument(
        field: "agent", message: "the applicant needs no mandate for themselves")
    }
    try Text.require(agent.agentName, field: "agent.agent_name", max: 100)
    try Text.require(agent.mandateNumber, field: "agent.mandate_number", max: 60)
    let until = try Days.civil(agent.validUntil, field: "agent.valid_until")
    guard until >= today else {
      throw .failedPrecondition("the agent's mandate \(agent.mandateNumber) expired on \(until)")
    }
  }

  static func validate(delivery: Delivery) throws(ServiceError) {
    switch delivery.method {
    case .windowPickup, .electronic:
      break
    case .freePost:
      try Text.require(delivery.address, field: "delivery.address", max: 200)
    default:
      throw .invalidArgument(
        field: "delivery.method", message: "must be WINDOW_PICKUP, FREE_POST or ELECTRONIC")
    }
    guard delivery.recipient.count <= 100, delivery.phone.count <= 20 else {
      throw .invalidArgument(field: "delivery", message: "recipient or phone too long")
    }
  }

  /// The form against the guide's fields: only known keys, every required one filled.
  static func validate(form: [String: String], fields: [FormField])
    throws(ServiceError)
  {
    let known = Set(fields.map(\.key))
    for key in form.keys.sorted() where !known.contains(key) {
      throw .invalidArgument(field: "form.\(key)", message: "is not a field of the guide's form")
    }
    for field in fields where field.required && (form[field.key]?.trimmed ?? "").isEmpty {
      throw .invalidArgument(field: "form.\(field.key)", message: "(\(field.label)) is required")
    }
    for (key, value) in form where value.count > 2000 {
      throw .invalidArgument(field: "form.\(key)", message: "is longer than 2000 characters")
    }
  }

  /// The channel is one the item's guide offers (CAT-2): an item not handled online cannot be
  /// applied for online. Papers sent by courier are taken where the window takes them.
  static func validate(
    channel: Channel, offered: [Channel], item: String
  ) throws(ServiceError) {
    let needed = channel == .courier ? Channel.window : channel
    guard offered.contains(needed) else {
      throw .failedPrecondition(
        "item \(item) is not offered on the \(channel) channel; its channels: \(offered.map { "\($0)" }.joined(separator: ", "))"
      )
    }
  }

  /// Material ids brought: each once, each listed by the guide (Art. 20: nothing outside the
  /// guide is taken or required).
  static func validate(materialIDs: [String], known: Set<String>, field: String)
    throws(ServiceError)
  {
    var seen = Set<String>()
    for (index, id) in materialIDs.enumerated() {
      guard known.contains(id) else {
        throw .invalidArgument(
          field: "\(field)[\(index)]", message: "\(id) is not a material of the guide")
      }
      guard seen.insert(id).inserted else {
        throw .invalidArgument(field: "\(field)[\(index)]", message: "\(id) is listed twice")
      }
    }
  }
}
