import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallDatabase
import Logging
import PostgresNIO
import HallServer
import HallTestSupport
import SwiftProtobuf
import Testing

@testable import CatalogService

/// FED-2: a district's catalog follows its city's. The city's departments, lists and items
/// (each new version, the cancellation included) appear in the district as the city's, and
/// neither they nor the calendar can be changed there; the district adds its own items.
@Suite("A district follows its city's catalog (FED-2)")
struct CityCatalogTests {
  static let district = "hualong-district"
  static let city = TestKeys.deployment

  /// Polls `read` until it gives a value, for at most ten seconds.
  func eventually<Value>(_ read: () async throws -> Value?) async throws -> Value {
    for _ in 0..<100 {
      if let value = try? await read() { return value }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw CancellationError()
  }

  @Test("the city's items, versions, departments and calendar reach the district as the city's")
  func follows() async throws {
    let cityNetwork = try TestNetwork.file([
      "children": [TestNetwork.neighbour(Self.district, level: "district", region: "410902")]
    ])
    defer { try? FileManager.default.removeItem(atPath: cityNetwork) }
    let cityOptions = ["LEVEL": "city", "REGION_CODE": "410900", "NETWORK_FILE": cityNetwork]
    try await TestService.with(CatalogService.Catalog.definition, options: cityOptions) { city in
      try await follow(city)
    }
  }

  /// The district's side, while `city` runs.
  private func follow(_ city: TestService) async throws {
    try await ServiceClient.with(
      host: "127.0.0.1", port: city.port, token: TestKeys.token(.catalogAdmin)
    ) { cityClient in
      let cityAdmin = CatalogFixture(
        admin: Catalog(wrapping: cityClient), anonymous: Catalog(wrapping: cityClient),
        port: city.port)
      try await cityAdmin.seedReferences()
      try await cityAdmin.publish("PY-SCJG-001", validSpec())

      let districtNetwork = try TestNetwork.file([
        "parent": TestNetwork.neighbour(
          Self.city, level: "city", region: "410900",
          addresses: ["catalog": "127.0.0.1:\(city.port)"])
      ])
      defer { try? FileManager.default.removeItem(atPath: districtNetwork) }
      let districtOptions = [
        "LEVEL": "district", "REGION_CODE": "410902", "NETWORK_FILE": districtNetwork,
        "LINK_TOKEN": TestKeys.token(
          .districtLink, subject: Self.district, deployment: Self.district),
      ]
      try await TestService.with(
        CatalogService.Catalog.definition, options: districtOptions, deployment: Self.district
      ) { district in
        try await ServiceClient.with(
          host: "127.0.0.1", port: district.port,
          token: TestKeys.token(.catalogAdmin, deployment: Self.district)
        ) { districtClient in
          let local = Catalog(wrapping: districtClient)
          // The city's item, as the city published it.
          let taken = try await eventually {
            try await local.getItem(.with { $0.code = "PY-SCJG-001" })
          }
          #expect(taken.state == .published && taken.latestVersion.version == 1)
          #expect(taken.latestVersion.spec.name == "食品经营许可核发")
          let department = try await local.getDepartment(.with { $0.id = "scjg" })
          #expect(department.name == "区市场监管局")

          // The district cannot change it, nor the calendar; it adds its own items.
          await expectRefusal(.failedPrecondition, containing: Self.city) {
            _ = try await local.cancelItem(
              .with {
                $0.requestID = "d-cancel"
                $0.code = "PY-SCJG-001"
                $0.reasonNote = "区里想取消"
              })
          }
          await expectRefusal(.failedPrecondition, containing: Self.city) {
            _ = try await local.updateItemDraft(
              .with {
                $0.code = "PY-SCJG-001"
                $0.spec = validSpec(name: "改名")
              })
          }
          await expectRefusal(.failedPrecondition, containing: Self.city) {
            _ = try await local.putCalendarYear(
              .with {
                $0.requestID = "d-cal"
                $0.calendarYear = .with { $0.year = 2027 }
              })
          }
          let districtAdmin = CatalogFixture(admin: local, anonymous: local, port: district.port)
          try await districtAdmin.publish("HL-WJW-009", validSpec(name: "区里的事项", department: "wjw"))
          try await setLocalDetails(in: local, city: cityAdmin.admin)

          // A cancellation at the city reaches the district.
          _ = try await cityAdmin.admin.cancelItem(
            .with {
              $0.requestID = "c-cancel"
              $0.code = "PY-SCJG-001"
              $0.reasonNote = "依法取消"
            })
          let cancelled = try await eventually { () async throws -> Hall_Catalog_V1_Item? in
            let item = try await local.getItem(.with { $0.code = "PY-SCJG-001" })
            return item.state == .cancelled ? item : nil
          }
          #expect(cancelled.latestVersion.version == 3 && cancelled.latestVersion.cancels)
        }
      }
    }
  }

  /// The district says where it handles the city's item, then that it does not handle it;
  /// what it cannot set is refused and changes nothing. A new version from the city keeps
  /// the district's details.
  private func setLocalDetails(in local: Catalog, city: Catalog) async throws {
    func set(_ code: String, _ change: (inout Hall_Catalog_V1_ItemLocalDetails) -> Void)
      async throws -> Hall_Catalog_V1_ItemLocalDetails
    {
      try await local.setItemLocalDetails(
        .with {
          $0.details.itemCode = code
          $0.details.implemented = true
          change(&$0.details)
        })
    }
    await expectRefusal(.failedPrecondition, containing: "own") {
      _ = try await set("HL-WJW-009") { $0.serviceLocation = "5号窗口" }
    }
    await expectRefusal(.notFound, containing: "PY-NONE-1") {
      _ = try await set("PY-NONE-1") { $0.serviceLocation = "5号窗口" }
    }
    await expectRefusal(.invalidArgument, containing: "placement_reason") {
      _ = try await set("PY-SCJG-001") { $0.placement = .notInHall }
    }
    await expectRefusal(.invalidArgument, containing: "service_location") {
      _ = try await set("PY-SCJG-001") { $0.serviceLocation = String(repeating: "窗", count: 201) }
    }
    let refused = try await local.getItem(.with { $0.code = "PY-SCJG-001" })
    #expect(refused.owner == Self.city && !refused.hasLocalDetails)
    let before = try await local.getIndicators(.init())
    #expect(before.itemCount == 2 && before.inHallCount == 2)

    _ = try await set("PY-SCJG-001") {
      $0.placement = .notInHall
      $0.placementReason = "涉及现场核查，在区市场监管局办理"
    }
    #expect(try await local.getIndicators(.init()).inHallCount == 1)
    let placed = try await set("PY-SCJG-001") {
      $0.serviceLocation = "华龙区政务服务中心 5号窗口"
      $0.placement = .itemInStaffOnCall
    }
    #expect(!placed.updatedBy.isEmpty && placed.hasUpdateTime)
    let item = try await local.getItem(.with { $0.code = "PY-SCJG-001" })
    #expect(item.localDetails.serviceLocation == "华龙区政务服务中心 5号窗口")
    #expect(item.latestVersion.spec.serviceLocation != "华龙区政务服务中心 5号窗口")

    // The city adjusts its item: the district's guide is the new version, at its own window.
    _ = try await city.updateItemDraft(
      .with {
        $0.code = "PY-SCJG-001"
        $0.spec = validSpec(promised: 4)
      })
    _ = try await city.publishItem(
      .with {
        $0.requestID = "c-adjust"
        $0.code = "PY-SCJG-001"
        $0.reason = .adjust
        $0.reasonNote = "压缩承诺时限"
      })
    let guide = try await eventually { () async throws -> Hall_Catalog_V1_Guide? in
      let guide = try await local.getGuide(.with { $0.itemCode = "PY-SCJG-001" })
      return guide.version.version == 2 ? guide : nil
    }
    #expect(guide.version.spec.promisedLimitWorkingDays == 4)
    #expect(guide.version.spec.serviceLocation == "华龙区政务服务中心 5号窗口")
    #expect(guide.version.spec.placement == .itemInStaffOnCall)
    let cityGuide = try await city.getGuide(.with { $0.itemCode = "PY-SCJG-001" })
    #expect(cityGuide.version.spec.serviceLocation != "华龙区政务服务中心 5号窗口")
    #expect(!cityGuide.hasLocalDetails)

    // Not handled here: the district's search no longer finds it; its guide says so.
    let search = Hall_Catalog_V1_SearchGuidesRequest.with { $0.keyword = "食品经营" }
    #expect(try await local.searchGuides(search).guides.count == 1)
    _ = try await set("PY-SCJG-001") { $0.implemented = false }
    #expect(try await local.searchGuides(search).guides.isEmpty)
    #expect(try await local.getIndicators(.init()).itemCount == 1)
    #expect(try await city.searchGuides(search).guides.count == 1)
    let unhandled = try await local.getGuide(.with { $0.itemCode = "PY-SCJG-001" })
    #expect(unhandled.hasLocalDetails && !unhandled.localDetails.implemented)
  }

  @Test("a record from the city that breaks the catalog's rules is refused, and nothing is taken")
  func badRecordsRefused() async throws {
    try await TestService.with(CatalogService.Catalog.definition) { district in
      let city = CityCatalog(owner: Self.city)
      func event(_ type: CatalogEvent, _ payload: some SwiftProtobuf.Message) throws
        -> Hall_Events_V1_Event
      {
        try .with {
          $0.type = type.rawValue
          $0.payload = try Google_Protobuf_Any(message: payload)
        }
      }
      let badDepartment = try event(
        .departmentCreated,
        Department.with {
          $0.id = "py-scjg"
          $0.name = "市场监管局"
          $0.regionCode = "41-09"
          $0.level = .city
        })
      let versionZero = try event(
        .itemVersionPublished,
        ItemVersion.with {
          $0.itemCode = "PY-SCJG-001"
          $0.version = 0
          $0.spec = validSpec()
        })
      let unknownDepartment = try event(
        .itemVersionPublished,
        ItemVersion.with {
          $0.itemCode = "PY-SCJG-002"
          $0.version = 1
          $0.spec = validSpec(department: "nowhere")
        })
      for bad in [badDepartment, versionZero, unknownDepartment] {
        await #expect(throws: ServiceError.self, "\(bad.type)") {
          try await district.database.withClient { client in
            try await client.inTransaction(logger: .init(label: "test")) { db in
              try await city.apply(bad, on: db)
            }
          }
        }
      }
      let taken = try await district.database.withClient { client in
        try await client.query(
          "SELECT (SELECT count(*) FROM departments) + (SELECT count(*) FROM items)"
        ).collect()[0].decode(Int64.self)
      }
      #expect(taken == 0)
    }
  }
}
