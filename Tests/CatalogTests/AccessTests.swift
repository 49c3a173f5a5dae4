import HallCalendar
import Foundation
import SwiftProtobuf
import GRPCCore
import HallAuth
import HallContracts
import HallServer
import HallTestSupport
import Testing

@testable import CatalogService

/// SEC-1: reads of published data are public; writes need the catalog administrator.
@Suite("Access (SEC-1) and health")
struct AccessTests {
  @Test("writes need a valid catalog-admin token")
  func writes() async throws {
    try await CatalogFixture.with { catalog in
      let request = Hall_Catalog_V1_CreateItemRequest.with {
        $0.requestID = "x"
        $0.code = "A-1"
        $0.spec = validSpec()
      }
      await expectRefusal(.unauthenticated) { _ = try await catalog.anonymous.createItem(request) }
      try await ServiceClient.with(
        host: "127.0.0.1", port: catalog.port, token: TestKeys.token(.clerk, hall: "hl-hall")
      ) { client in
        await expectRefusal(.permissionDenied, containing: "catalog_admin") {
          _ = try await Catalog(wrapping: client).createItem(request)
        }
      }
      let otherKey = TokenSigner(
        privateKey: try SigningKeyFile.privateKey(base64: SigningKeyFile.generatePrivateKey()),
        issuer: TestKeys.deployment)
      let forged = try otherKey.mint(Principal(subject: "x", role: .catalogAdmin))
      try await ServiceClient.with(host: "127.0.0.1", port: catalog.port, token: forged) {
        client in
        await expectRefusal(.unauthenticated, containing: "signature") {
          _ = try await Catalog(wrapping: client).createItem(request)
        }
      }
      let expired = try TestKeys.signer.mint(
        Principal(subject: "x", role: .catalogAdmin), lifetime: 1,
        now: .init(timeIntervalSinceNow: -3600))
      try await ServiceClient.with(host: "127.0.0.1", port: catalog.port, token: expired) {
        client in
        await expectRefusal(.unauthenticated, containing: "expired") {
          _ = try await Catalog(wrapping: client).createItem(request)
        }
      }
      await expectRefusal(.notFound) {
        _ = try await catalog.admin.getItem(.with { $0.code = "A-1" })
      }
    }
  }

  @Test("every method of the contract has an access rule")
  func policyCoversContract() {
    let policy = CatalogAccess.policy
    for method in Hall_Catalog_V1_CatalogService.Method.descriptors {
      #expect(policy.rule(for: method) != nil, "\(method)")
    }
  }

  @Test("health: SERVING for the server and the catalog service")
  func health() async throws {
    try await CatalogFixture.with { catalog in
      try await ServiceClient.with(host: "127.0.0.1", port: catalog.port, token: nil) { client in
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        let overall = try await health.check(.init())
        #expect(overall.status == .serving)
        let named = try await health.check(.with { $0.service = "hall.catalog.v1.CatalogService" })
        #expect(named.status == .serving)
        await expectRefusal(.notFound) {
          _ = try await health.check(.with { $0.service = "nope" })
        }
      }
    }
  }

  @Test("indicators (CAT-11) from the versions in force")
  func indicators() async throws {
    try await CatalogFixture.with { catalog in
      try await catalog.publish("A-1", validSpec(name: "许可甲", promised: 5))
      try await catalog.publish("A-2", validSpec(name: "许可乙", promised: 0))
      var service = validSpec(name: "服务丙", department: "wjw", promised: 2)
      service.kind = .publicService
      service.maxVisits = 0
      service.placement = .notInHall
      service.placementReason = "需现场勘验"
      try await catalog.publish("B-1", service)
      let all = try await catalog.anonymous.getIndicators(.init())
      #expect(all.itemCount == 3 && all.licensingItemCount == 2)
      #expect(all.statutoryDaysTotal == 40 && all.promisedDaysTotal == 5)
      #expect(all.compressionRatioBp == 8750)
      #expect(all.onTheSpotShareBp == 3333 && all.noVisitShareBp == 3333)
      #expect(all.inHallShareBp == 6667)
      let wjw = try await catalog.anonymous.getIndicators(.with { $0.departmentID = "wjw" })
      #expect(wjw.itemCount == 1 && wjw.licensingItemCount == 0 && wjw.compressionRatioBp == 0)
      await expectRefusal(.notFound) {
        _ = try await catalog.anonymous.getIndicators(.with { $0.departmentID = "nope" })
      }
    }
  }
}
