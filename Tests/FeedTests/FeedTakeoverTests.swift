import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SwiftProtobuf
import Testing

/// REL-2 with several instances and restarts: one active consumer per subscription, the
/// standby takes over, and a restarted producer loses nothing.
@Suite("Event feed leadership and restarts (REL-2)")
struct FeedTakeoverTests {
  static func writeEvents(_ ids: [String], to producer: TestService) async throws {
    try await producer.database.withClient { client in
      for id in ids {
        try await FeedFixture.write(id, client: client, delay: .zero, rollback: false)
      }
    }
  }

  static func migrateConsumer(_ database: DatabaseSettings) async throws {
    try await database.withClient { client in
      try await Migrator.migrate(
        FeedFixture.consumerMigrations, schema: "rating", client: client,
        logger: FeedFixture.logger)
    }
  }

  @Test("two consumer instances: exactly one applies; when it dies the other takes over")
  func twoInstances() async throws {
    try await TestService.with(FeedFixture.producer) { producer in
      let database = try await TestCluster.shared.makeDatabase(service: "rating")
      try await Self.migrateConsumer(database)
      // Two instances: separate connection pools, as two processes would have.
      let clientA = database.makeClient(logger: FeedFixture.logger)
      let clientB = database.makeClient(logger: FeedFixture.logger)
      let poolA = Task { await clientA.run() }
      let poolB = Task { await clientB.run() }
      defer { poolB.cancel() }
      let a = Task {
        try await FeedFixture.consumer(port: producer.port, database: clientA, tag: "a").run()
      }
      try await Task.sleep(for: .milliseconds(700))
      let b = Task {
        try await FeedFixture.consumer(port: producer.port, database: clientB, tag: "b").run()
      }
      defer { b.cancel() }

      try await Self.writeEvents((0..<200).map { "first-\($0)" }, to: producer)
      try await database.withClient { check in
        try await eventually(seconds: 60) {
          try await FeedFixture.applied(check).count == 200
        }
        #expect(Set(try await FeedFixture.applied(check).values) == ["a"])

        // Instance a dies: its task stops and its connections close.
        a.cancel()
        poolA.cancel()
        try await Self.writeEvents((0..<100).map { "second-\($0)" }, to: producer)
        try await eventually(seconds: 60) {
          try await FeedFixture.applied(check).count == 300
        }
        let applied = try await FeedFixture.applied(check)
        #expect(applied.filter { $0.key.hasPrefix("second-") }.values.allSatisfy { $0 == "b" })
        #expect(applied.count == 300)
      }
    }
  }

  @Test("a producer restarted mid-stream: the consumer resumes, nothing lost or doubled")
  func producerRestart() async throws {
    let producerDatabase = try await TestCluster.shared.makeDatabase(service: "intake")
    let consumerDatabase = try await TestCluster.shared.makeDatabase(service: "rating")
    try await Self.migrateConsumer(consumerDatabase)
    let consumerClient = consumerDatabase.makeClient(logger: FeedFixture.logger)
    let pool = Task { await consumerClient.run() }
    defer { pool.cancel() }
    let first = try await TestService.start(FeedFixture.producer, database: producerDatabase)
    // The consumer is told a fixed address; the restarted producer comes back on it.
    let port = first.port
    let consuming = Task {
      try await FeedFixture.consumer(port: port, database: consumerClient, tag: "c").run()
    }
    defer { consuming.cancel() }
    try await Self.writeEvents((0..<150).map { "before-\($0)" }, to: first)
    try await eventually(seconds: 60) {
      try await FeedFixture.applied(consumerClient).count == 150
    }
    try await first.stop()
    // Written while the producer is down: they wait in its outbox.
    try await Self.writeEvents((0..<50).map { "during-\($0)" }, to: first)
    let second = try await TestService.start(
      FeedFixture.producer, database: producerDatabase, port: port)
    try await Self.writeEvents((0..<50).map { "after-\($0)" }, to: second)
    try await eventually(seconds: 60) {
      try await FeedFixture.applied(consumerClient).count == 250
    }
    #expect(try await FeedFixture.applied(consumerClient).count == 250)
    try await second.stop()
  }
}
