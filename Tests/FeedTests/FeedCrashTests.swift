import Foundation
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import Synchronization
import Testing

/// REL-2: a consumer that dies after applying an event but before storing its cursor
/// applies that event again after restarting, and only once in effect, because the effect
/// and the cursor are one transaction.
@Suite("Event feed crash between apply and cursor (REL-2)")
struct FeedCrashTests {
  struct Crash: Error {}

  @Test("a crash after applying, before storing the cursor: no event applied twice")
  func crashBeforeCursor() async throws {
    try await TestService.with(FeedFixture.producer) { producer in
      let database = try await TestCluster.shared.makeDatabase(service: "rating")
      try await database.withClient { client in
        try await Migrator.migrate(
          FeedFixture.consumerMigrations, schema: "rating", client: client,
          logger: FeedFixture.logger)
        try await producer.database.withClient { producerClient in
          for index in 0..<100 {
            try await FeedFixture.write(
              "e-\(index)", client: producerClient, delay: .zero, rollback: false)
          }
        }
        let attempts = Mutex<[String: Int]>([:])
        let crashed = Mutex<Set<String>>([])
        let consumer = FeedFixture.consumer(
          port: producer.port, database: client, tag: "crashy",
          checkingPayload: false
        ) { event in
          let attempt = attempts.withLock { counts in
            counts[event.aggregateID, default: 0] += 1
            return counts[event.aggregateID]!
          }
          // Every 7th event "crashes" the first time, after its effect was written and
          // before the cursor is stored.
          if event.cursor % 7 == 0, attempt == 1 {
            crashed.withLock { _ = $0.insert(event.aggregateID) }
            throw Crash()
          }
        }
        let running = Task { try await consumer.run() }
        defer { running.cancel() }
        try await eventually(seconds: 60) {
          try await FeedFixture.applied(client).count == 100
        }
        let applied = try await FeedFixture.applied(client)
        #expect(applied.count == 100)
        // Each crash rolled back its batch, which was then applied again after reconnecting.
        let crashes = crashed.withLock { $0 }
        #expect(crashes.count == 14)
        #expect(crashes.isSubset(of: Set(applied.keys)))
        let lag = try await FeedConsumer.lag(of: "producer", client: client)
        #expect(lag?.cursor == 100)
      }
    }
  }
}
