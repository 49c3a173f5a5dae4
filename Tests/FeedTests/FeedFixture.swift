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

/// A producer that is nothing but an outbox (using intake's role and schema), and a consumer
/// database (rating's) that records what it applied, with a unique key per event so that a
/// second application of one event fails loudly.
enum FeedFixture {
  static let producer = OutboxProducer.definition

  static let consumerMigrations = [
    Migration(version: 1, name: "platform tables", statements: PlatformTables.allSteps),
    Migration(
      version: 2, name: "applied",
      statements: [
        """
        CREATE TABLE applied (
          aggregate_id text PRIMARY KEY,
          cursor bigint NOT NULL UNIQUE,
          applied_by text NOT NULL)
        """
      ]),
  ]

  static var logger: Logger {
    var logger = Logger(label: "test.feed")
    logger.logLevel = .warning
    return logger
  }

  /// Commits one event (or rolls it back) after a delay, as a producer's handler would.
  static func write(
    _ aggregate: String, client: PostgresClient, delay: Duration, rollback: Bool
  ) async throws {
    struct Rollback: Error {}
    do {
      try await client.transaction(logger: logger) { connection in
        try await Outbox.append(
          type: "test.thing.changed", aggregateID: aggregate,
          payload: Hall_Common_V1_FieldViolation.with { $0.field = aggregate },
          at: TestClock.start, on: connection, logger: logger)
        try await Task.sleep(for: delay)
        if rollback { throw Rollback() }
      }
    } catch is Rollback {}
  }

  /// A consumer that records each event in `applied`, tagged with `tag`, then runs `then`
  /// (a test's fault, thrown after the event's effect was written). With `checkingPayload`,
  /// each event's payload must name its aggregate, as ``write(_:client:delay:rollback:)`` writes it.
  static func consumer(
    port: Int, database: PostgresClient, tag: String, checkingPayload: Bool = true,
    then: @escaping @Sendable (Hall_Events_V1_Event) throws -> Void = { _ in }
  ) -> FeedConsumer {
    FeedConsumer(
      subscription: FeedSubscription(
        name: "producer", host: "127.0.0.1", port: port,
        token: TestKeys.token(.service, subject: "consumer")),
      client: database, logger: logger
    ) { event, db in
      if checkingPayload {
        let field = try Hall_Common_V1_FieldViolation(unpackingAny: event.payload).field
        #expect(field == event.aggregateID)
      }
      try await db.perform(
        """
        INSERT INTO applied (aggregate_id, cursor, applied_by)
        VALUES (\(event.aggregateID), \(event.cursor), \(tag))
        """)
      try then(event)
    }
  }

  static func applied(_ client: PostgresClient) async throws -> [String: String] {
    var result: [String: String] = [:]
    for row in try await client.query("SELECT aggregate_id, applied_by FROM applied").collect() {
      let (id, tag) = try row.decode((String, String).self)
      result[id] = tag
    }
    return result
  }
}
