import Foundation
import GRPCCore
import HallCalendar
import SwiftProtobuf
import HallAuth
import HallContracts
import HallFixtures
@testable import HallServer
import HallTestSupport
import PostgresNIO
import Testing

@testable import SupervisionService

/// FED-3: a city's supervision follows a district's intake over the link between them, with
/// a cursor of its own, and counts the district's cases in the district's region; the
/// district numbers its cases with its region, so that no two districts' numbers meet.
@Suite("Data up: a district's cases in the city's supervision (FED-3)")
struct DistrictDataTests {
  static let city = TestNetwork.city

  @Test("a district's accepted case reaches the city's supervision, in the district's region")
  func caseGoesUp() async throws {
    // The district (the fixture's hall, deployment TestKeys.deployment) below Puyang.
    let districtOptions = try TestNetwork.district()
    defer { TestNetwork.remove(districtOptions) }
    try await IntakeFixture.with(options: districtOptions) { hall in
      let kase = try await hall.submit()
      #expect(kase.caseNumber.hasPrefix("410902-\(IntakeFixture.promisedItem)-"))
      _ = try await hall.accept(kase)

      var cityOptions = try TestNetwork.city(
        above: ["intake": "127.0.0.1:\(hall.intakeService.port)"])
      defer { TestNetwork.remove(cityOptions) }
      // The city's own feeds: its catalog (here the district's, for the calendar and the
      // items); its own intake and rating are not running.
      cityOptions["CATALOG_ADDR"] = "127.0.0.1:\(hall.catalogService.port)"
      cityOptions["INTAKE_ADDR"] = "127.0.0.1:1"
      cityOptions["RATING_ADDR"] = "127.0.0.1:1"
      try await TestService.with(
        Supervision.definition, options: cityOptions, clock: hall.clock.wallClock,
        deployment: Self.city
      ) { supervision in
        try await eventually(seconds: 30) {
          try await supervision.database.withClient { client in
            let rows = try await client.query(
              """
              SELECT count(*)::int8 FROM cases
              WHERE case_number = \(kase.caseNumber) AND region_code = '410902'
              """
            ).collect()
            return try rows[0].decode(Int64.self) == 1
          }
        }
        let cursor = try await supervision.database.withClient { client in
          try await client.query(
            "SELECT cursor FROM consumer_cursors WHERE subscription = 'intake@test-deployment'"
          ).collect().first?.decode(Int64.self)
        }
        #expect((cursor ?? 0) > 0)

        // The city's supervisors see how far behind the district's feed is.
        let supervisor = TestKeys.token(.supervisor, deployment: Self.city)
        try await ServiceClient.with(
          host: "127.0.0.1", port: supervision.port, token: supervisor
        ) { connection in
          let lags = try await SupervisionClient(wrapping: connection).listFeedLags(.init()).lags
          let district = try #require(lags.first { $0.subscription == "intake@test-deployment" })
          #expect(district.deployment == TestKeys.deployment && district.regionCode == "410902")
          #expect(district.eventsBehind == 0 && district.parkedEvents == 0)
          // Heard from within the last seconds: an idle feed sends a heartbeat every second.
          #expect(district.hasSecondsSilent && district.secondsSilent < 10)
          #expect(lags.contains { $0.subscription == "catalog" && $0.deployment.isEmpty })
        }

        // The district reads its own region back through the city's contract [数据回流],
        // with its link token, and nothing of another region.
        let link = TestKeys.token(
          .districtLink, subject: TestKeys.deployment, deployment: TestKeys.deployment)
        try await ServiceClient.with(host: "127.0.0.1", port: supervision.port, token: link) {
          connection in
          let city = SupervisionClient(wrapping: connection)
          let cases = try await city.queryCases(.init())
          #expect(cases.cases.map(\.caseNumber) == [kase.caseNumber])
          #expect(cases.cases.allSatisfy { $0.regionCode == "410902" })
          await expectRefusal(.permissionDenied, containing: "410902") {
            _ = try await city.queryCases(.with { $0.regionCode = "410923" })
          }
          let today = Days.proto(hall.clock.today)
          let figures = try await city.getFigures(
            .with {
              $0.grouping = .region
              $0.from = today
              $0.to = Days.proto(hall.clock.today.adding(days: 1))
            })
          #expect(figures.rows.map(\.key) == ["410902"])
          #expect(figures.rows.first?.acceptedCases == 1)
          await expectRefusal(.permissionDenied) {
            _ = try await city.getMonthlyReport(.with { $0.month = "2026-11" })
          }
        }
      }
    }
  }

  @Test("an id of another region on a district's link is refused, naming both")
  func foreignRegion() throws {
    let identity = DeploymentIdentity.Neighbour(
      trusted: .init(
        name: "hualong-district", relation: .child, regionCode: "410902",
        publicKey: try SigningKeyFile.publicKey(base64: TestKeys.publicKey)),
      level: .district, addresses: [:])
    let link = DistrictLink(identity)
    try link.check("410902-HL-SCJG-001-20261124-000007", "case")
    #expect(throws: ServiceError.self) {
      try link.check("410903-HL-SCJG-001-20261124-000007", "case")
    }
    #expect(throws: ServiceError.self) { try link.check("HL-SCJG-001-20261124-000007", "case") }
  }

  @Test("a deployment's own cases and ratings count in its region, a city department's too")
  func ownRegion() {
    var hualong = SupervisionRules()
    hualong.regionCode = "410902"
    #expect(hualong.region(ofDepartmentIn: "410900") == "410902")
    #expect(hualong.region(ofDepartmentIn: "410922") == "410902")
    #expect(hualong.region(ofDepartmentIn: "410902") == "410902")
    #expect(hualong.region(ofDepartmentIn: "410902001") == "410902001")
    #expect(hualong.region(ofDepartmentIn: nil) == "410902")
    // A hall without a region of its own counts by its departments.
    #expect(SupervisionRules().region(ofDepartmentIn: "410900") == "410900")
  }

  @Test(
    "a city whose pool is too small for the feeds it follows refuses to start, saying why",
    .timeLimit(.minutes(1)))
  func poolTooSmall() async throws {
    // Two districts' intake and rating: seven feeds, each holding a connection for its lock
    // and applying with another, on the tests' pool of 12. It used to wait for ever.
    let network = try TestNetwork.file([
      "children": ["hualong-district": "410902", "qingfeng-county": "410922"].map {
        TestNetwork.neighbour(
          $0.key, level: "district", region: $0.value,
          addresses: ["intake": "127.0.0.1:1", "rating": "127.0.0.1:1"])
      }
    ])
    defer { try? FileManager.default.removeItem(atPath: network) }
    let options = [
      "LEVEL": "city", "REGION_CODE": "410900", "NETWORK_FILE": network,
      "LINK_TOKEN": TestKeys.token(.districtLink, subject: Self.city, deployment: Self.city),
      "CATALOG_ADDR": "127.0.0.1:1", "INTAKE_ADDR": "127.0.0.1:1", "RATING_ADDR": "127.0.0.1:1",
    ]
    let problem = await #expect(throws: ServiceSettings.Problem.self) {
      try await TestService.with(Supervision.definition, options: options, deployment: Self.city) {
        _ in
      }
    }
    #expect(problem?.description.contains("HALL_DB_MAX_CONNECTIONS is 12") == true)
    #expect(problem?.description.contains("needs at least 17") == true)
  }
}
