import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import CatalogService

/// What a change leaves in the database: its event in the outbox and its audit line, in the
/// same transaction (REL-2, SEC-3); nothing at all for a refused call (REL-3).
@Suite("Outbox, audit trail and several instances (REL-2, SEC-3, OPS-1)")
struct StorageTests {
  static func counts(_ client: PostgresClient) async throws -> [String: Int] {
    let rows = try await client.query(
      """
      SELECT 'outbox', count(*)::int8 FROM outbox UNION ALL SELECT 'audit', count(*)::int8 FROM audit_log
      UNION ALL SELECT 'versions', count(*)::int8 FROM item_versions
      UNION ALL SELECT 'items', count(*)::int8 FROM items
      """
    ).collect()
    var result: [String: Int] = [:]
    for row in rows {
      let (name, count) = try row.decode((String, Int64).self)
      result[name] = Int(count)
    }
    return result
  }

  @Test("a publication writes its event and audit line; a refusal writes nothing")
  func outboxAndAudit() async throws {
    try await TestService.with(CatalogService.Catalog.definition) { service in
      try await ServiceClient.with(
        host: "127.0.0.1", port: service.port,
        token: TestKeys.token(.catalogAdmin, subject: "admin-7")
      ) { grpc in
        let fixture = CatalogFixture(
          admin: Catalog(wrapping: grpc), anonymous: Catalog(wrapping: grpc), port: service.port)
        try await fixture.seedReferences()
        try await service.database.withClient { db in
          let before = try await Self.counts(db)
          var bad = validSpec()
          bad.onlineDepth = 9
          await expectRefusal(.invalidArgument) {
            _ = try await fixture.admin.createItem(
              .with {
                $0.requestID = "bad"
                $0.code = "BAD-1"
                $0.spec = bad
              })
          }
          #expect(try await Self.counts(db) == before)

          let version = try await fixture.publish("FOOD-1", validSpec())
          let after = try await Self.counts(db)
          #expect(after["versions"] == 1 && after["items"] == 1)
          #expect(after["outbox"] == before["outbox"]! + 1)
          // create_item and publish_item, both by the token's subject.
          #expect(after["audit"] == before["audit"]! + 2)
          let rows = try await db.query(
            """
            SELECT event_type, aggregate_id, payload FROM outbox ORDER BY position DESC LIMIT 1
            """
          ).collect()
          let (type, aggregate, payload) = try rows[0].decode((String, String, ByteBuffer).self)
          #expect(type == "catalog.item_version.published" && aggregate == "FOOD-1")
          #expect(
            try Hall_Catalog_V1_ItemVersion(serializedBytes: Array(buffer: payload)) == version)
          let subjects = try await db.query(
            "SELECT DISTINCT subject FROM audit_log WHERE target = 'item:FOOD-1'"
          ).collect().map { try $0.decode(String.self) }
          #expect(subjects == ["admin-7"])
          #expect(version.publishedBy == "admin-7")
        }
      }
    }
  }

  @Test("two instances start on one schema at once and serve the same catalog")
  func twoInstances() async throws {
    let database = try await TestCluster.shared.makeDatabase(service: "catalog")
    async let first = TestService.start(CatalogService.Catalog.definition, database: database)
    async let second = TestService.start(CatalogService.Catalog.definition, database: database)
    let (a, b) = try await (first, second)
    do {
      try await ServiceClient.with(
        host: "127.0.0.1", port: a.port, token: TestKeys.token(.catalogAdmin)
      ) { grpc in
        let fixture = CatalogFixture(
          admin: Catalog(wrapping: grpc), anonymous: Catalog(wrapping: grpc), port: a.port)
        try await fixture.seedReferences()
        try await fixture.publish("FOOD-1", validSpec())
      }
      try await ServiceClient.with(host: "127.0.0.1", port: b.port, token: nil) { grpc in
        let guide = try await Catalog(wrapping: grpc).getGuide(.with { $0.itemCode = "FOOD-1" })
        #expect(guide.version.version == 1)
        let years = try await Catalog(wrapping: grpc).listCalendarYears(.init())
        #expect(years.years.count == 2)
      }
      try await database.withClient { db in
        let migrations = try await db.query("SELECT count(*)::int8 FROM schema_migrations")
          .collect()
        #expect(try migrations[0].decode(Int64.self) == Int64(CatalogMigrations.all.count))
      }
    } catch {
      try? await a.stop()
      try? await b.stop()
      throw error
    }
    try await a.stop()
    try await b.stop()
  }
}
