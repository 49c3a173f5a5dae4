import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import CatalogService
@testable import IntakeService

/// FED-4: a district passes a case up to its city [报批件、办件传递]; the city's intake takes it
/// from the district's feed as a case of its own, with the district's materials and history;
/// the city decides; the decision comes back over the link and the district issues and
/// delivers. Each leg has its limit (3 working days for the reply, 2 after it).
@Suite("Cases passed up to the city, and its decision back (FED-4)")
struct PassedUpTests {
  static let city = TestNetwork.city

  /// Runs `body` with a district hall (the fixture's, deployment TestKeys.deployment, region
  /// 410902) and its city's intake, whose catalog holds the fixture's items unless `empty`.
  func withNetwork(
    emptyCityCatalog empty: Bool = false,
    _ body: (IntakeFixture, TestService) async throws -> Void
  ) async throws {
    let cityCatalog = try await TestService.start(Catalog.definition, deployment: Self.city)
    do {
      if !empty {
        let admin = TestKeys.token(.catalogAdmin, deployment: Self.city)
        try await ServiceClient.with(host: "127.0.0.1", port: cityCatalog.port, token: admin) {
          try await IntakeFixture.seed(CatalogClient(wrapping: $0))
        }
      }
      try await withNetwork(cityCatalog: cityCatalog.port, emptyCity: empty, body)
      try await cityCatalog.stop()
    } catch {
      try? await cityCatalog.stop()
      throw error
    }
  }

  private func withNetwork(
    cityCatalog: Int, emptyCity: Bool, _ body: (IntakeFixture, TestService) async throws -> Void
  ) async throws {
    let cityPort = try freePort()
    let districtOptions = try TestNetwork.district(below: ["intake": "127.0.0.1:\(cityPort)"])
    defer { TestNetwork.remove(districtOptions) }
    try await IntakeFixture.with(options: districtOptions) { hall in
      var cityOptions = try TestNetwork.city(
        above: ["intake": "127.0.0.1:\(hall.intakeService.port)"])
      defer { TestNetwork.remove(cityOptions) }
      cityOptions["CATALOG_ADDR"] = "127.0.0.1:\(cityCatalog)"
      try await TestService.with(
        Intake.definition, port: cityPort, options: cityOptions, clock: hall.clock.wallClock,
        deployment: Self.city
      ) { cityIntake in
        // The city's intake knows the city's catalog before a case is passed up to it.
        try await eventually(seconds: 30) {
          try await cityIntake.database.withClient { client in
            let versions = try await client.query("SELECT count(*)::int8 FROM item_versions")
              .collect()[0].decode(Int64.self)
            return versions == (emptyCity ? 0 : 3)
          }
        }
        try await body(hall, cityIntake)
      }
    }
  }

  func passUp(_ kase: Case, in hall: IntakeFixture) async throws -> Case {
    try await hall.intake.escalateCase(
      .with {
        $0.requestID = "up-\(kase.caseNumber)"
        $0.caseNumber = kase.caseNumber
        $0.toLevel = .city
        $0.toAuthority = "市市场监管局"
        $0.reason = "跨区经营，需市级审批"
      }, metadata: People.approver)
  }

  @Test("a case passed up is decided at the city, then issued and delivered in the district")
  func roundTrip() async throws {
    try await withNetwork { hall, cityIntake in
      let accepted = try await hall.accept(try await hall.submit())
      let passed = try await passUp(accepted, in: hall)
      #expect(passed.state == .passedUp && passed.category == .escalated)
      #expect(passed.passedTo.deployment == Self.city && passed.passedTo.regionCode == "410900")
      #expect(!passed.hasFinishTime && passed.deadline.budgetWorkingDays == 3)

      let approver = TestKeys.token(
        .approver, subject: "approver-city-scjg", department: "scjg", deployment: Self.city)
      try await ServiceClient.with(host: "127.0.0.1", port: cityIntake.port, token: approver) {
        connection in
        let city = IntakeClient(wrapping: connection)
        let taken = try await eventually(seconds: 30) {
          try await city.listCases(.init()).cases.first {
            $0.passedFrom.caseNumber == passed.caseNumber
          }
        }
        // The city's own number, the district's materials and history, the reply's limit.
        let cityCase = try await city.getCase(.with { $0.caseNumber = taken.caseNumber })
        #expect(!cityCase.caseNumber.hasPrefix("410902-") && cityCase.state == .accepted)
        #expect(cityCase.passedFrom.deployment == TestKeys.deployment)
        #expect(cityCase.passedFrom.regionCode == "410902")
        #expect(cityCase.materials == passed.materials && cityCase.departmentID == "scjg")
        #expect(cityCase.itemCode == passed.itemCode && cityCase.itemName == passed.itemName)
        #expect(cityCase.deadline.budgetWorkingDays == 3)
        #expect(
          cityCase.timeline.map(\.action).prefix(passed.timeline.count)
            == passed.timeline.map(\.action)[...])
        #expect(cityCase.timeline.last?.action == "received_from_below")

        _ = try await city.startReview(
          .with {
            $0.requestID = "review"
            $0.caseNumber = cityCase.caseNumber
          })
        let decided = try await city.decideCase(
          .with {
            $0.requestID = "decide"
            $0.caseNumber = cityCase.caseNumber
            $0.approve = true
          })
        // Decided here, issued and delivered there: the city's case is finished.
        #expect(decided.state == .replied && decided.hasFinishTime)

        let approved = try await eventually(seconds: 30) {
          let kase = try await hall.get(passed.caseNumber)
          return kase.state == .approved ? kase : nil
        }
        #expect(approved.passedTo.caseNumber == cityCase.caseNumber)
        #expect(approved.decision.approved)
        #expect(approved.decision.decidedBy == "\(Self.city):approver-city-scjg")
        #expect(
          approved.deadline.budgetWorkingDays == 2 && approved.timeline.last?.action == "replied")
        let delivered = try await hall.deliver(try await hall.issue(approved))
        #expect(delivered.state == .delivered)
      }
      // Taken once, and the district's case was passed up once.
      let taken = try await cityIntake.database.withClient { client in
        try await client.query("SELECT count(*)::int8 FROM cases WHERE passed_from IS NOT NULL")
          .collect()[0].decode(Int64.self)
      }
      #expect(taken == 1)
      #expect(
        try await hall.events(of: passed.caseNumber).filter { $0 == "intake.case.replied" }.count
          == 1)
    }
  }

  @Test("a case whose item is not in the city's catalog comes back to review with the reason")
  func itemUnknownAtCity() async throws {
    try await withNetwork(emptyCityCatalog: true) { hall, cityIntake in
      let passed = try await passUp(try await hall.accept(try await hall.submit()), in: hall)
      let back = try await eventually(seconds: 30) {
        let kase = try await hall.get(passed.caseNumber)
        return kase.state == .inReview ? kase : nil
      }
      #expect(!back.hasPassedTo)
      let note = try #require(back.timeline.last?.note)
      #expect(note.contains(Self.city) && note.contains(IntakeFixture.promisedItem))
      let stored = try await cityIntake.database.withClient { client in
        try await client.query("SELECT count(*)::int8 FROM cases").collect()[0].decode(Int64.self)
      }
      #expect(stored == 0)
    }
  }

  @Test("passing up needs the city's intake address, and a level that is the city's")
  func passingUpNeedsTheLink() async throws {
    let options = try TestNetwork.district()
    defer { TestNetwork.remove(options) }
    try await IntakeFixture.with(options: options) { hall in
      let accepted = try await hall.accept(try await hall.submit())
      await expectRefusal(.failedPrecondition, containing: "no intake address of \(Self.city)") {
        _ = try await passUp(accepted, in: hall)
      }
      #expect(try await hall.get(accepted.caseNumber).state == .accepted)
      // To the province, outside this network: the case leaves, as a lone hall's does.
      let left = try await hall.intake.escalateCase(
        .with {
          $0.requestID = "province"
          $0.caseNumber = accepted.caseNumber
          $0.toLevel = .provincial
          $0.toAuthority = "省市场监管局"
          $0.reason = "需省级审批"
        }, metadata: People.approver)
      #expect(left.state == .escalated && left.hasFinishTime && !left.hasPassedTo)
    }
  }
}
