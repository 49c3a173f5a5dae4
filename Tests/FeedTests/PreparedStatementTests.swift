import Foundation
import HallTestSupport
import Logging
import PostgresNIO
import Testing

@testable import HallDatabase

/// Statements prepared once per connection and named by their text (HallDatabase), which
/// every service's outbox writes go through.
@Suite("Prepared statements")
struct PreparedStatementTests {
  static let logger = Logger(label: "test.prepared")

  @Test("each text runs as itself, with new binds on every run, past the plan cache's five")
  func textsKeepTheirOwnStatements() async throws {
    let database = try await TestCluster.shared.makeDatabase(service: "rating")
    try await database.withClient { client in
      try await client.withConnection { connection in
        for run in 1...8 {
          let doubled = try await connection.prepared(
            "SELECT \(run)::int8 * 2", logger: Self.logger)
          let named = try await connection.prepared(
            "SELECT 'run ' || \(String(run)), \(run)::int8 + 100", logger: Self.logger)
          #expect(try doubled.map { try $0.decode(Int64.self) } == [Int64(run * 2)])
          #expect(try named[0].decode((String, Int64).self) == ("run \(run)", Int64(run + 100)))
        }
        let many = try await connection.prepared(
          "SELECT generate_series(1, \(3)::int4)", logger: Self.logger)
        #expect(try many.map { try $0.decode(Int32.self) } == [1, 2, 3])
      }
    }
  }

  @Test("an error raised while a prepared write runs is thrown, and the write is undone")
  func errorsWhileRunningAreThrown() async throws {
    let database = try await TestCluster.shared.makeDatabase(service: "rating")
    try await database.withClient { client in
      try await client.query("CREATE TABLE keys (key text PRIMARY KEY)", logger: Self.logger)
      let write: @Sendable (String) async throws -> Void = { key in
        try await client.transaction(logger: Self.logger) { connection in
          try await connection.perform(
            """
            WITH added AS (INSERT INTO keys (key) VALUES (\(key)), ('taken'))
            SELECT pg_notify('prepared_test', '')
            """, logger: Self.logger)
        }
      }
      try await write("first")
      for attempt in 1...6 {
        await #expect(throws: (any Error).self, "attempt \(attempt)") {
          try await write("second-\(attempt)")
        }
      }
      let keys = try await client.query("SELECT key FROM keys ORDER BY key", logger: Self.logger)
        .collect().map { try $0.decode(String.self) }
      #expect(keys == ["first", "taken"])
    }
  }

  @Test("a statement first sent in a failed transaction works on that connection afterwards")
  func failedPreparationIsNotKept() async throws {
    let database = try await TestCluster.shared.makeDatabase(service: "rating")
    try await database.withClient { client in
      try await client.withConnection { connection in
        let text: PostgresQuery = "SELECT 'after a failed transaction', \(Int64(7))"
        try await connection.query("BEGIN", logger: Self.logger)
        await #expect(throws: PSQLError.self) {
          try await connection.query("SELECT 1 / 0", logger: Self.logger)
        }
        await #expect(throws: PSQLError.self) {
          try await connection.prepared(text, logger: Self.logger)
        }
        try await connection.query("ROLLBACK", logger: Self.logger)
        let (label, number) = try await connection.prepared(text, logger: Self.logger)[0]
          .decode((String, Int64).self)
        #expect(label == "after a failed transaction" && number == 7)
      }
    }
  }

  @Test("a bind nil on the first run takes its column's type, and later values fit it")
  func nilFirstTakesTheColumnsType() async throws {
    let database = try await TestCluster.shared.makeDatabase(service: "rating")
    try await database.withClient { client in
      try await client.query(
        "CREATE TABLE due (n int8 PRIMARY KEY, at timestamptz)", logger: Self.logger)
      try await client.withConnection { connection in
        // As a case's due time is stored: NULL once it is finished, a Date while it is open.
        for (n, at) in [(1, nil), (2, Date(timeIntervalSince1970: 1_790_000_000)), (3, nil)] {
          try await connection.perform(
            "INSERT INTO due (n, at) VALUES (\(Int64(n)), \(at as Date?))", logger: Self.logger)
        }
      }
      let rows = try await client.query("SELECT n, at FROM due ORDER BY n", logger: Self.logger)
        .collect().map { try $0.decode((Int64, Date?).self) }
      #expect(rows.map(\.0) == [1, 2, 3])
      #expect(rows.map(\.1) == [nil, Date(timeIntervalSince1970: 1_790_000_000), nil])
    }
  }

  @Test("the registry is bounded in texts and in new names per text")
  func registryIsBounded() {
    let names = PreparedStatementNames(capacity: 2, generations: 2)
    let first = names.name(for: "SELECT 1")
    #expect(first != nil)
    #expect(names.name(for: "SELECT 2") != nil)
    #expect(names.name(for: "SELECT 2") != first)
    #expect(names.name(for: "SELECT 3") == nil)
    #expect(names.name(for: "SELECT 1") == first)

    names.retire(first!, of: "SELECT 1")
    let second = names.name(for: "SELECT 1")
    #expect(second != nil && second != first)
    names.retire(first!, of: "SELECT 1")  // already retired: no new name
    #expect(names.name(for: "SELECT 1") == second)
    names.retire(second!, of: "SELECT 1")
    #expect(names.name(for: "SELECT 1") == nil)
  }
}
