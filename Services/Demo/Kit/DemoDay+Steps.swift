import GRPCCore
import HallContracts
import HallctlKit
import SwiftProtobuf

/// The day's single steps, each one call as the person at the window or in the back office
/// would make it, with a fresh request id.
extension DemoDay {
  func callNext() async throws -> Ticket {
    try await intake.callNextTicket(
      .with {
        $0.requestID = Self.request()
        $0.windowID = Self.window
      }, metadata: people.clerk)
  }

  /// Submits at the window with every required material but `leaving`, the form filled, and
  /// the clerk's acceptance decision when given. Promised items' results go by free post, so
  /// that the applicant's one visit is the only one [最多跑一次]; an on-the-spot result is
  /// handed over in the same sitting.
  func submit(
    _ item: String, applicant: Applicant, leaving: Set<String>, ticket: String,
    decision: AcceptanceDecision? = nil
  ) async throws -> IntakeCase {
    let spec = try await catalog.getGuide(.with { $0.itemCode = item }).version.spec
    return try await intake.submitCase(
      .with {
        $0.requestID = Self.request()
        $0.itemCode = item
        $0.channel = .window
        $0.applicant = applicant
        $0.providedMaterialIds = spec.materials.map(\.id).filter { !leaving.contains($0) }
        $0.form = Self.form(spec.formFields)
        $0.delivery = .with {
          if spec.caseKind == .onTheSpot {
            $0.method = .windowPickup
          } else {
            $0.method = .freePost
            $0.address = "濮阳市华龙区胜利路 88 号"
            $0.recipient = applicant.name
            $0.phone = applicant.phone
          }
        }
        $0.windowID = Self.window
        $0.ticketID = ticket
        if let decision { $0.decision = decision }
      }, metadata: people.clerk)
  }

  func accept(_ kase: IntakeCase) async throws -> IntakeCase {
    try await intake.acceptCase(
      .step(on: kase.caseNumber, key: Self.request()), metadata: people.clerk)
  }

  func decide(_ kase: IntakeCase, approve: Bool, reason: String = "") async throws
    -> IntakeCase
  {
    let approver = people.approver(kase.departmentID)
    if kase.state == .accepted {
      _ = try await intake.startReview(
        .step(on: kase.caseNumber, key: Self.request()), metadata: approver)
    }
    return try await intake.decideCase(
      .step(on: kase.caseNumber, key: Self.request()) {
        $0.approve = approve
        $0.reason = reason
      }, metadata: approver)
  }

  func issue(_ kase: IntakeCase, _ name: String) async throws -> IntakeCase {
    try await intake.issueLicence(
      .step(on: kase.caseNumber, key: Self.request()) { $0.licenceName = name },
      metadata: people.approver(kase.departmentID))
  }

  /// The back office's part once the applicant has brought everything: approval, the
  /// licence, and its delivery.
  func approveAndDeliver(_ kase: IntakeCase, licence: String) async throws -> IntakeCase {
    try await deliver(try await issue(try await decide(kase, approve: true), licence))
  }

  func deliver(_ kase: IntakeCase) async throws -> IntakeCase {
    try await intake.deliverResult(
      .step(on: kase.caseNumber, key: Self.request()) {
        if kase.delivery.method == .freePost {
          $0.reference = "EMS\(Int.random(in: 1_000_000_000...9_999_999_999))"
        }
      }, metadata: people.clerk)
  }

  func rate(
    _ caseNumber: String, _ satisfaction: Satisfaction, _ applicant: Metadata,
    _ text: String
  ) async throws {
    // Rating hears of the finished case through intake's feed; give it a moment.
    for attempt in 0..<60 {
      do {
        let given = try await rating.submitRating(
          .with {
            $0.requestID = "rate-\(caseNumber)"
            $0.caseNumber = caseNumber
            $0.satisfaction = satisfaction
            $0.channel = .windowDevice
            $0.text = text
          }, metadata: applicant)
        step("\(caseNumber) rated \(given.satisfaction.rawValue) (\(text))")
        return
      } catch let error as RPCError
        where error.code == .notFound || error.code == .failedPrecondition
      {
        if attempt == 59 { throw error }
        try await Task.sleep(for: .milliseconds(500))
      }
    }
  }

  /// Today's cases of `item` in `state`, with their materials and shortfall.
  func cases(_ item: String, state: CaseState) async throws -> [IntakeCase] {
    let listed = try await intake.listCases(
      .with {
        $0.itemCode = item
        $0.state = state
        $0.pageSize = 100
      }, metadata: people.supervisor)
    var found: [IntakeCase] = []
    for kase in listed.cases {
      found.append(
        try await intake.getCase(
          .with { $0.caseNumber = kase.caseNumber }, metadata: people.supervisor))
    }
    return found
  }

  func allCases() async throws -> [IntakeCase] {
    var all: [IntakeCase] = []
    var token = ""
    repeat {
      let page = try await intake.listCases(
        .with {
          $0.pageSize = 200
          $0.pageToken = token
        }, metadata: people.supervisor)
      all += page.cases
      token = page.nextPageToken
    } while !token.isEmpty
    return all
  }

  /// Every field of a form filled with a plausible value.
  static func form(_ fields: [FormField]) -> [String: String] {
    var form: [String: String] = [:]
    for field in fields { form[field.key] = sample(field) }
    return form
  }

  /// A plausible value for a form field, by what its key says it holds.
  static func sample(_ field: FormField) -> String {
    switch field.key {
    case let key where key.contains("credit_code"): DemoPeople.companyID
    case let key where key.contains("phone"): "13903930001"
    case let key where key.contains("capital"): "500000"
    case let key where key.contains("sqm") || key.contains("count"): "120"
    case let key where key.contains("address"): "濮阳市华龙区胜利路 88 号"
    case let key where key.contains("name"): "濮阳市好味餐饮管理有限公司"
    default: field.label.isEmpty ? "示例" : "\(field.label)（示例）"
    }
  }
}
