import Foundation
import HallCalendar
import HallContracts
import HallctlKit
import SwiftProtobuf

/// The morning at the window: three applicants queue, each is received and decided in one
/// call [收件即受理], and a one-thing application is accepted; meanwhile a department's own
/// system reports a case it left open.
extension DemoDay {
  func morning() async throws {
    step("morning: the hall opens; three applicants take tickets")
    try await reportOverdueCase()
    try await issueTickets()
    try await foodLicenceWithShortfall()
    try await registrationOnTheSpot()
    try await hygieneLicenceWithNotice()
    try await restaurantApplication()
  }

  func issueTickets() async throws {
    var tickets: [Ticket] = []
    for item in [Self.foodLicence, Self.companyRegistration, Self.hygieneLicence] {
      tickets.append(
        try await intake.issueTicket(
          .with {
            $0.requestID = Self.request()
            $0.hallID = people.hall
            $0.itemCode = item
          }, metadata: people.clerk))
    }
    step("tickets \(tickets.map(\.number).joined(separator: ", "))")
  }

  /// A food business licence with a shortfall [容缺]: the health certificate follows later.
  func foodLicenceWithShortfall() async throws {
    let ticket = try await callNext()
    let food = try await submit(
      Self.foodLicence, applicant: Self.company, leaving: ["m4"], ticket: ticket.id,
      decision: .with { $0.shortfallCommitment = "承诺 5 个工作日内补交从业人员健康证明" })
    step("\(food.caseNumber) \(Self.foodLicence) accepted with a shortfall (m4 promised)")
  }

  /// Company registration, on the spot [即办件]: decided, issued and handed over at once.
  func registrationOnTheSpot() async throws {
    let ticket = try await callNext()
    var registration = try await submit(
      Self.companyRegistration, applicant: Self.li, leaving: [], ticket: ticket.id,
      decision: .init())
    registration = try await issue(registration, "营业执照")
    registration = try await deliver(registration)
    step("\(registration.caseNumber) \(Self.companyRegistration) decided on the spot, delivered")
    try await rate(registration.caseNumber, .satisfied, people.li, "窗口办理很快")
  }

  /// A hygiene licence with a defective copy: one notice lists it [一次告知].
  func hygieneLicenceWithNotice() async throws {
    let ticket = try await callNext()
    let hygiene = try await submit(
      Self.hygieneLicence, applicant: Self.zhang, leaving: [], ticket: ticket.id,
      decision: .with {
        $0.defects = [
          .with {
            $0.materialID = "m4"
            $0.reason = "卫生检测报告已超出有效期，请重新提供"
          }
        ]
      })
    step("\(hygiene.caseNumber) \(Self.hygieneLicence) one correction notice (m4)")
  }

  /// Opening a restaurant [一件事]: one form, one set of materials, a case per department.
  func restaurantApplication() async throws {
    let bundle = try await catalog.getBundleVersion(.with { $0.code = Self.restaurantBundle })
    var application = try await intake.submitBundleApplication(
      .with {
        $0.requestID = Self.request()
        $0.bundleCode = Self.restaurantBundle
        $0.channel = .window
        $0.applicant = Self.company
        $0.providedMaterialIds = bundle.materials.map(\.material.id)
        $0.form = Self.form(bundle.formFields)
        $0.delivery = .with { $0.method = .windowPickup }
        $0.windowID = Self.window
      }, metadata: people.clerk)
    application = try await intake.acceptBundleApplication(
      .with {
        $0.requestID = Self.request()
        $0.applicationID = application.id
      }, metadata: people.clerk)
    step(
      "\(application.id) \(Self.restaurantBundle) one-thing application: \(application.subCases.count) sub-cases, \(ProtoEnum.name(application.status))"
    )
  }

  /// A department's own system reports a case accepted three weeks ago and still open.
  func reportOverdueCase() async throws {
    let accepted = clock.now.addingTimeInterval(-21 * 86_400)
    let day = CivilDate(chinaStandardTimeOf: accepted)
    let number = String(
      format: "%@-%04d%02d%02d-%04d", Self.pesticideLicence, day.year, day.month, day.day,
      Int.random(in: 1000...9999))
    let report = try await reportUntilChecked(Self.overdueRecord(number, accepted: accepted))
    for refusal in report.refusals {
      step("\(number) refused: \(refusal.problem) \(refusal.field) \(refusal.message)")
    }
    step(
      "\(number) reported by the agriculture bureau's system: \(report.accepted) accepted, still open past its limit"
    )
  }

  /// Supervision may still be reading the catalog's departments and items: a record it
  /// cannot check yet is refused as inaccurate, so the department's system sends it again.
  func reportUntilChecked(_ record: CaseReport) async throws
    -> ReportCasesResponse
  {
    var report = ReportCasesResponse()
    for attempt in 0..<60 {
      report = try await supervision.reportCases(
        .with {
          $0.requestID = Self.request()
          $0.admitLate = true
          $0.cases = [record]
        }, metadata: people.supervisor)
      guard report.refusals.contains(where: { $0.problem == "INACCURATE" }), attempt < 59 else {
        break
      }
      try await Task.sleep(for: .milliseconds(500))
    }
    return report
  }

  /// The pesticide licence the agriculture bureau accepted at `accepted` and has not decided.
  static func overdueRecord(_ number: String, accepted: Date) -> CaseReport {
    .with {
      $0.caseNumber = number
      $0.itemCode = pesticideLicence
      $0.departmentID = "hl-nyncj"
      $0.windowID = "W07"
      $0.staffID = "nync-clerk-02"
      $0.state = 3
      $0.caseKind = .promised
      $0.promisedWorkingDays = 10
      $0.receiveTime = .init(date: accepted)
      $0.acceptTime = .init(date: accepted)
    }
  }
}
