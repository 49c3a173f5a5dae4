import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf
import Testing

/// REL-2 against real PostgreSQL: every committed event exactly once, none rolled back, in
/// spite of transactions committing out of order.
@Suite("Event feed delivery (REL-2)")
struct FeedDeliveryTests {
  @Test("8 writers, 20 000 events committing out of order: each committed one exactly once")
  func concurrentWriters() async throws {
    let writers = 8
    let perWriter = 2_500
    try await TestService.with(FeedFixture.producer) { producer in
      let consumerDatabase = try await TestCluster.shared.makeDatabase(service: "rating")
      try await consumerDatabase.withClient { consumerClient in
        try await Migrator.migrate(
          FeedFixture.consumerMigrations, schema: "rating", client: consumerClient,
          logger: FeedFixture.logger)
        let consumer = FeedFixture.consumer(
          port: producer.port, database: consumerClient, tag: "only")
        let consuming = Task { try await consumer.run() }
        defer { consuming.cancel() }

        // Writers start while the consumer already streams: the ordering trap is live.
        var producerSettings = producer.database
        producerSettings.maxConnections = writers + 2
        let committed = try await producerSettings.withClient { producerClient in
          try await withThrowingTaskGroup(of: [String].self) { group in
            for writer in 0..<writers {
              group.addTask {
                var kept: [String] = []
                for index in 0..<perWriter {
                  let id = "w\(writer)-\(index)"
                  // Every 10th transaction rolls back; delays make commits overtake.
                  let rollback = index % 10 == 7
                  let delay = Duration.microseconds(
                    Int.random(in: 0...(index % 50 == 0 ? 20_000 : 400)))
                  try await FeedFixture.write(
                    id, client: producerClient, delay: delay, rollback: rollback)
                  if !rollback { kept.append(id) }
                }
                return kept
              }
            }
            var all = Set<String>()
            for try await kept in group { all.formUnion(kept) }
            return all
          }
        }
        #expect(committed.count == writers * perWriter * 9 / 10)
        try await eventually(seconds: 900) {
          try await FeedFixture.applied(consumerClient).count >= committed.count
        }
        let applied = Set(try await FeedFixture.applied(consumerClient).keys)
        let missing = committed.subtracting(applied)
        let unexpected = applied.subtracting(committed)
        #expect(missing.isEmpty, "missing \(missing.count), e.g. \(missing.sorted().prefix(5))")
        #expect(
          unexpected.isEmpty,
          "never committed \(unexpected.count): \(unexpected.sorted().prefix(5))")
        let lag = try await FeedConsumer.lag(of: "producer", client: consumerClient)
        #expect(lag?.cursor == Int64(committed.count))
      }
    }
  }
}
