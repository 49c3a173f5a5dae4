import Foundation
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SwiftProtobuf
import Testing

/// REL-2: a consumer far behind (100 000 events) catches up, in order, each event once, and
/// knows how far behind it is meanwhile.
@Suite("Event feed backlog (REL-2)")
struct FeedBacklogTests {
  @Test("a consumer 100 000 events behind catches up")
  func backlog() async throws {
    let count = 100_000
    try await TestService.with(FeedFixture.producer) { producer in
      // The backlog is written in bulk, as years of a producer's history would be.
      let payload: [UInt8] = try Hall_Common_V1_FieldViolation.with { $0.field = "bulk" }
        .serializedBytes()
      try await producer.database.withClient { client in
        try await client.query(
          """
          INSERT INTO outbox (event_type, aggregate_id, payload_type, payload)
          SELECT 'test.thing.changed', 'bulk-' || i,
            \(Hall_Common_V1_FieldViolation.protoMessageName), \(ByteBuffer(bytes: payload))
          FROM generate_series(1, \(count)) i
          """)
        try await client.query(
          "SELECT pg_notify(\(OutboxChannels.appended) || current_schema(), '')")
      }
      let database = try await TestCluster.shared.makeDatabase(service: "rating")
      try await database.withClient { client in
        try await Migrator.migrate(
          FeedFixture.consumerMigrations, schema: "rating", client: client,
          logger: FeedFixture.logger)
        let consumer = FeedFixture.consumer(
          port: producer.port, database: client, tag: "backlog",
          checkingPayload: false)
        let running = Task { try await consumer.run() }
        defer { running.cancel() }
        // While it catches up, the lag it records says how far behind it is (#14 point 9: it
        // said 0 until the producer went idle).
        var behind: Int64 = 0
        try await eventually(seconds: 600) {
          let lag = try await FeedConsumer.lag(of: "producer", client: client)
          if let lag, lag.cursor < Int64(count) { behind = max(behind, lag.events) }
          return lag?.cursor == Int64(count)
        }
        #expect(behind > 1000, "the lag while catching up was never reported: \(behind)")
        let rows = try await client.query(
          """
          SELECT count(*)::int8, count(DISTINCT aggregate_id)::int8, min(cursor), max(cursor)
          FROM applied
          """
        ).collect()
        let (total, distinct, first, last) = try rows[0].decode((Int64, Int64, Int64, Int64).self)
        #expect(total == Int64(count) && distinct == Int64(count))
        #expect(first == 1 && last == Int64(count))
        // Positions follow insertion order: bulk-i is at cursor i.
        let misplaced = try await client.query(
          "SELECT count(*)::int8 FROM applied WHERE aggregate_id <> 'bulk-' || cursor"
        ).collect()
        #expect(try misplaced[0].decode(Int64.self) == 0)
      }
    }
  }
}
