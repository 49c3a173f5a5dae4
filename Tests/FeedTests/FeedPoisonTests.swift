import Foundation
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import Testing

/// REL-2 and #14: an event the consumer cannot apply is set aside with the reason and the
/// feed goes on; it never stops the subscription nor loops on that event.
@Suite("Event feed: an event that cannot be applied is parked")
struct FeedPoisonTests {
  struct Poison: Error, CustomStringConvertible {
    var description: String { "this event cannot be applied" }
  }

  @Test("one poison event among many is parked; the others, and later ones, are applied")
  func poisonParked() async throws {
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
        let consumer = FeedFixture.consumer(
          port: producer.port, database: client, tag: "consumer",
          checkingPayload: false
        ) { event in
          if event.aggregateID == "e-42" { throw Poison() }
        }
        let running = Task { try await consumer.run() }
        defer { running.cancel() }
        try await eventually(seconds: 60) {
          try await FeedFixture.applied(client).count == 99
        }
        let parked = try await client.query(
          "SELECT aggregate_id, reason, cursor FROM parked_events WHERE subscription = 'producer'"
        ).collect().map { try $0.decode((String, String, Int64).self) }
        #expect(parked.count == 1)
        #expect(parked.first?.0 == "e-42" && parked.first?.1 == "this event cannot be applied")
        // Nothing of the poison event's own work stayed.
        #expect(try await FeedFixture.applied(client)["e-42"] == nil)
        // The feed goes on past it.
        try await producer.database.withClient { producerClient in
          for index in 100..<110 {
            try await FeedFixture.write(
              "e-\(index)", client: producerClient, delay: .zero, rollback: false)
          }
        }
        try await eventually(seconds: 30) {
          try await FeedFixture.applied(client).count == 109
        }
        let lag = try #require(try await FeedConsumer.lag(of: "producer", client: client))
        #expect(lag.parked == 1 && lag.cursor >= parked[0].2)
      }
    }
  }
}
