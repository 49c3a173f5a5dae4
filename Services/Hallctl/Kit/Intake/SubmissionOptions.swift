import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

/// What a case and a one-thing application are submitted with: the same fields in both
/// requests, so one set of flags serves both.
protocol SubmissionRequest: SwiftProtobuf.Message {
  var requestID: String { get set }
  var channel: ServiceChannel { get set }
  var applicant: Applicant { get set }
  var agent: AgentMandate { get set }
  var providedMaterialIds: [String] { get set }
  var form: [String: String] { get set }
  var delivery: Delivery { get set }
  var windowID: String { get set }
  var ticketID: String { get set }
}

/// A submission from flags, from a file in the contract's JSON form (what a form system or
/// a script would produce), or both: flags fill in or override what the file says, and
/// materials add to its list.
struct SubmissionOptions: ParsableArguments {
  @Option(help: "A request in the contract's JSON form; the flags add to it or override it.")
  var file: String?

  @Option(
    name: .customLong("material"), help: "Id of a guide's material brought (repeat per material).")
  var materials: [String] = []

  @Option(name: .customLong("form"), help: "A form field as key=value (repeat per field).")
  var formFields: [String] = []

  @Option(values: { "Channel: \($0) (default: window with --window)." })
  var channel: ServiceChannel?

  @Option(help: "The clerk's window, e.g. W03 (window channel).") var window: String?

  @Option(help: "The ticket being served.") var ticket: String?

  @Option(values: { "Applicant kind: \($0) (default: citizen)." }) var applicantKind: ApplicantKind?

  @Option(help: "Resident ID number, or unified social credit code of a legal person.")
  var applicantID: String?

  @Option(help: "Name of the person or organisation.") var applicantName: String?

  @Option(help: "The applicant's contact phone.") var phone: String?

  @Option(help: "For a legal person: the person acting for it.") var contact: String?

  @Option(help: "An agent's resident ID number [帮办代办].") var agentID: String?

  @Option(help: "The agent's name.") var agentName: String?

  @Option(help: "Number of the mandate the applicant signed [授权委托书].") var mandate: String?

  @Option(help: "What the mandate covers.") var mandateScope: String?

  @Option(help: "Last day the mandate is valid, yyyy-MM-dd.", transform: Format.civilDate)
  var mandateUntil: ContractDate?

  @Option(values: { "Result by: \($0) (default: window-pickup)." }) var delivery: DeliveryMethod?

  @Option(help: "Postal address (free post).") var address: String?

  @Option(help: "Recipient of the post, when other than the applicant.") var recipient: String?

  @Option(help: "Recipient's phone.") var recipientPhone: String?

  /// Submits the request the file and the flags make, under the command line's key unless
  /// the file names its own, `fill` adding what the command itself says, and shows the
  /// answer.
  func send<Request: SubmissionRequest, Answer: SwiftProtobuf.Message>(
    _ change: IntakeChange, _ call: (IntakeServiceClient, Request) async throws -> Answer,
    _ view: (Answer) throws -> Void, _ fill: (inout Request) throws -> Void
  ) async throws {
    var request = try self.request(Request.self, requestID: change.write.id)
    try fill(&request)
    let submission = request
    try await change.connection.show({ try await call($0, submission) }, view)
  }

  private func request<Request: SubmissionRequest>(_ type: Request.Type, requestID: String) throws
    -> Request
  {
    var request = Request()
    if let file {
      do {
        request = try Request(jsonUTF8Data: try Data(contentsOf: URL(fileURLWithPath: file)))
      } catch {
        throw ValidationError("\(file): \(error)")
      }
    }
    if request.requestID.isEmpty { request.requestID = requestID }
    for material in materials where !request.providedMaterialIds.contains(material) {
      request.providedMaterialIds.append(material)
    }
    for field in formFields {
      guard let equals = field.firstIndex(of: "=") else {
        throw ValidationError("--form wants key=value, got \(field)")
      }
      request.form[String(field[..<equals])] = String(field[field.index(after: equals)...])
    }
    for (value, field) in texts(of: Request.self) {
      if let value { request[keyPath: field] = value }
    }
    if let channel { request.channel = channel }
    if let applicantKind { request.applicant.kind = applicantKind }
    if let mandateUntil { request.agent.validUntil = mandateUntil }
    if let delivery { request.delivery.method = delivery }
    Self.defaults(&request)
    return request
  }

  /// The text flags, each with the field it overrides when given.
  private func texts<Request: SubmissionRequest>(of type: Request.Type)
    -> [(String?, WritableKeyPath<Request, String>)]
  {
    [
      (window, \.windowID), (ticket, \.ticketID),
      (applicantID, \.applicant.idNumber), (applicantName, \.applicant.name),
      (phone, \.applicant.phone), (contact, \.applicant.contactName),
      (agentID, \.agent.agentIDNumber), (agentName, \.agent.agentName),
      (mandate, \.agent.mandateNumber), (mandateScope, \.agent.scope),
      (address, \.delivery.address), (recipient, \.delivery.recipient),
      (recipientPhone, \.delivery.phone),
    ]
  }

  /// What neither the file nor the flags said: a window means the window channel, an id
  /// number a citizen, and the result is collected at the window.
  private static func defaults(_ request: inout some SubmissionRequest) {
    if request.channel == .unspecified, !request.windowID.isEmpty { request.channel = .window }
    if request.applicant.kind == .unspecified, !request.applicant.idNumber.isEmpty {
      request.applicant.kind = .citizen
    }
    if request.delivery.method == .unspecified { request.delivery.method = .windowPickup }
  }
}
