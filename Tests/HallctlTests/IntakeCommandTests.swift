import Foundation
import HallContracts
import HallFixtures
import SwiftProtobuf
import Testing

@testable import HallctlKit

/// Intake through hallctl: every command's effect is read back through the contract.
@Suite("hallctl intake", .serialized)
struct IntakeCommandTests {
  static let zhang = [
    "--applicant-id", People.zhangID, "--applicant-name", "张三", "--phone", "13800001111",
  ]
  static let form = ["--form", "enterprise_name=郑州好味餐饮有限公司"]

  @Test("a case goes from the window through review to delivery, and reads back so")
  func wholeCase() async throws {
    try await Hall.with { hall in
      let submit =
        ["intake", "case", "submit", "--item", IntakeFixture.promisedItem, "--window", "W03"]
        + Self.zhang + Self.form + ["--material", "m1", "--material", "m3", "--json"]
      let first = try await hall.run(Tokens.clerk, submit + ["--request-id", "window-1"])
      let received = try Hall_Intake_V1_Case(jsonString: first.out)
      #expect(received.state == .received && received.channel == .window)
      // The same request id is the same case: a retry changes nothing.
      let again = try await hall.run(Tokens.clerk, submit + ["--request-id", "window-1"])
      #expect(try Hall_Intake_V1_Case(jsonString: again.out).caseNumber == received.caseNumber)
      let number = received.caseNumber

      try await hall.run(Tokens.clerk, ["intake", "case", "accept", number])
      #expect(try await hall.fixture.get(number).state == .accepted)

      try await hall.run(Tokens.approver, ["intake", "review", "start", number])
      try await hall.run(
        Tokens.approver,
        ["intake", "review", "request-correction", number, "--defect", "m3=健康证明已过期"])
      var kase = try await hall.fixture.get(number)
      #expect(kase.state == .correctionRequested && kase.deadline.paused)
      try await hall.run(Tokens.zhang, ["intake", "case", "correct", number, "--material", "m3"])
      #expect(try await hall.fixture.get(number).state == .inReview)

      try await hall.run(Tokens.approver, ["intake", "review", "decide", number, "--approve"])
      try await hall.run(
        Tokens.approver,
        [
          "intake", "review", "issue-licence", number, "--name", "食品经营许可证",
          "--valid-until", "2031-09-27",
        ])
      try await hall.run(
        Tokens.clerk, ["intake", "case", "fee", number, "--amount", "10", "--receipt", "R-001"])
      let visitsBefore = try await hall.fixture.get(number).visits.count
      try await hall.run(Tokens.clerk, ["intake", "case", "visit", number, "--purpose", "领取证照"])
      #expect(try await hall.fixture.get(number).visits.count == visitsBefore + 1)
      try await hall.run(Tokens.clerk, ["intake", "case", "deliver", number])

      kase = try await hall.fixture.get(number)
      #expect(kase.state == .delivered)
      #expect(kase.licence.name == "食品经营许可证" && kase.licence.validUntil.year == 2031)
      #expect(kase.fees.map(\.amountFen) == [1000] && kase.fees[0].perStandard)
      #expect(kase.decision.approved && kase.decision.decidedBy == "approver-scjg")

      let shown = try await hall.run(Tokens.supervisor, ["intake", "case", "get", number])
      #expect(shown.out.contains("delivered [送达]"))
      #expect(shown.out.contains("correction_requested"))
      let listed = try await hall.run(
        Tokens.supervisor, ["intake", "case", "list", "--state", "delivered"])
      #expect(listed.out.contains(number))
    }
  }

  @Test("a request file and flags make one submission; a shortfall is accepted and supplied")
  func submissionFromFile() async throws {
    try await Hall.with { hall in
      let file = FileManager.default.temporaryDirectory
        .appendingPathComponent("hallctl-\(UUID().uuidString).json")
      defer { try? FileManager.default.removeItem(at: file) }
      try Data(
        """
        {"item_code": "\(IntakeFixture.promisedItem)", "channel": "CHANNEL_WINDOW", "window_id": "W04",
         "applicant": {"kind": "APPLICANT_KIND_LEGAL_PERSON", "id_number": "\(People.companyID)",
           "name": "郑州好味餐饮有限公司", "contact_name": "王五", "phone": "0371-1"},
         "provided_material_ids": ["m1"],
         "form": {"enterprise_name": "郑州好味餐饮有限公司"},
         "delivery": {"method": "DELIVERY_METHOD_FREE_POST", "address": "濮阳市华龙区人民路 1 号"}}
        """.utf8
      ).write(to: file)
      let submitted = try await hall.run(
        Tokens.clerk,
        ["intake", "case", "submit", "--file", file.path, "--phone", "13900002222", "--json"])
      let number = try Hall_Intake_V1_Case(jsonString: submitted.out).caseNumber

      try await hall.run(
        Tokens.clerk,
        [
          "intake", "case", "accept", number, "--shortfall-commitment", "三个工作日内补交健康证明",
          "--shortfall-days", "3",
        ])
      var kase = try await hall.fixture.get(number)
      #expect(kase.state == .accepted && kase.windowID == "W04")
      #expect(kase.applicant.kind == .legalPerson && kase.applicant.phone == "13900002222")
      #expect(kase.delivery.method == .freePost)
      #expect(kase.shortfall.materialIds == ["m3"] && !kase.shortfall.hasSuppliedTime)

      try await hall.run(Tokens.company, ["intake", "case", "supply", number, "--material", "m3"])
      kase = try await hall.fixture.get(number)
      #expect(kase.shortfall.hasSuppliedTime)
    }
  }

  @Test("at the window a case is received and decided in one call [收件即受理]")
  func receivedAndDecided() async throws {
    try await Hall.with { hall in
      let submit =
        ["intake", "case", "submit", "--item", IntakeFixture.promisedItem, "--window", "W03"]
        + Self.zhang + Self.form + ["--json"]
      let accepted = try Hall_Intake_V1_Case(
        jsonString: try await hall.run(
          Tokens.clerk, submit + ["--material", "m1", "--material", "m3", "--accept"]
        ).out)
      #expect(accepted.state == .accepted && accepted.deadline.hasDueTime)
      #expect(accepted.timeline.map(\.action).suffix(2) == ["received", "accepted"])

      // A defect given with the submission is the decision: one notice, in the same call.
      let noticed = try Hall_Intake_V1_Case(
        jsonString: try await hall.run(
          Tokens.clerk,
          submit + ["--material", "m1", "--material", "m3", "--defect", "m3=健康证明已过期"]
        ).out)
      #expect(noticed.state == .correctionRequested)
      #expect(noticed.correctionNotices.last?.items.map(\.materialID) == ["m3"])

      // An applicant online cannot decide; nothing is stored.
      let before = try await hall.fixture.count("cases")
      let denied = try await hall.refused(
        Tokens.zhang,
        ["intake", "case", "submit", "--item", IntakeFixture.promisedItem, "--channel", "pc"]
          + Self.zhang + Self.form + ["--material", "m1", "--material", "m3", "--accept"])
      #expect(denied.hasPrefix("error: PERMISSION_DENIED: "))
      #expect(try await hall.fixture.count("cases") == before)
    }
  }

  @Test("refusals: by the clerk with a reason, and by the service as it worded them")
  func refusals() async throws {
    try await Hall.with { hall in
      let badID =
        ["intake", "case", "submit", "--item", IntakeFixture.promisedItem, "--window", "W03"]
        + ["--applicant-id", "410102199003071231", "--applicant-name", "张三"] + Self.form
        + ["--material", "m1"]
      let invalid = try await hall.refused(Tokens.clerk, badID)
      #expect(invalid.hasPrefix("error: INVALID_ARGUMENT: applicant.id_number"))
      #expect(invalid.hasSuffix("[field applicant.id_number]"))
      #expect(try await hall.fixture.count("cases") == 0)

      let number = try await hall.fixture.submit().caseNumber
      try await hall.run(
        Tokens.clerk,
        [
          "intake", "case", "refuse", number, "--reason", "outside-jurisdiction", "--detail",
          "经营场所不在本区",
        ])
      let kase = try await hall.fixture.get(number)
      #expect(kase.state == .refused && kase.refusal.reason == .outsideJurisdiction)
      #expect(kase.refusal.detail == "经营场所不在本区")

      let late = try await hall.refused(Tokens.clerk, ["intake", "case", "accept", number])
      #expect(late.hasPrefix("error: FAILED_PRECONDITION: "))
      #expect(try await hall.fixture.get(number).timeline.count == kase.timeline.count)
      let denied = try await hall.refused(
        Tokens.zhang, ["intake", "review", "decide", number, "--approve"])
      #expect(denied.hasPrefix("error: PERMISSION_DENIED: "))
    }
  }

  @Test("tickets are issued and called; a served one opens a one-thing application")
  func ticketsAndApplications() async throws {
    try await Hall.with { hall in
      let issued = try await hall.run(
        Tokens.clerk, ["intake", "ticket", "issue", "--bundle", IntakeFixture.bundle, "--json"])
      let ticket = try Hall_Intake_V1_Ticket(jsonString: issued.out)
      #expect(ticket.state == .waiting && ticket.hallID == "hl-hall")
      let called = try await hall.run(
        Tokens.clerk, ["intake", "ticket", "call", "--window", "W05"])
      #expect(called.out.contains(ticket.number))
      // A second visitor is called and does not come.
      try await hall.run(Tokens.clerk, ["intake", "ticket", "issue"])
      let absent = try await hall.run(
        Tokens.clerk, ["intake", "ticket", "call", "--window", "W06", "--json"])
      let absentID = try Hall_Intake_V1_Ticket(jsonString: absent.out).id
      try await hall.run(Tokens.clerk, ["intake", "ticket", "no-show", absentID])
      let waiting = try await hall.run(Tokens.clerk, ["intake", "ticket", "list"])
      #expect(waiting.out.contains(ticket.number) && waiting.out.contains("no-show"))

      let bundle = try await hall.fixture.catalog.getBundle(
        .with { $0.code = IntakeFixture.bundle })
      let brought = bundle.latestVersion.materials
        .filter { $0.material.source == .applicant && $0.material.required }
        .flatMap { ["--material", $0.material.id] }
      let submitted = try await hall.run(
        Tokens.clerk,
        ["intake", "application", "submit", "--bundle", IntakeFixture.bundle, "--window", "W05"]
          + ["--ticket", ticket.id] + Self.zhang + Self.form + brought + ["--json"])
      let id = try Hall_Intake_V1_BundleApplication(jsonString: submitted.out).id
      try await hall.run(Tokens.clerk, ["intake", "application", "accept", id])
      let application = try await hall.fixture.intake.getBundleApplication(
        .with { $0.applicationID = id }, metadata: People.supervisor)
      #expect(application.status == .inProgress)
      #expect(application.subCases.allSatisfy { $0.state == .accepted })
      let shown = try await hall.run(Tokens.supervisor, ["intake", "application", "get", id])
      #expect(shown.out.contains("in-progress"))
      // Opening the application served the ticket.
      let tickets = try await hall.fixture.intake.listTickets(.init(), metadata: People.clerk)
      #expect(Set(tickets.tickets.map(\.state)) == [.served, .noShow])
      #expect(tickets.tickets.first { $0.id == ticket.id }?.state == .served)
    }
  }
}
