public import Logging
public import PostgresNIO

/// One versioned step of a schema. Statements run one by one inside a single transaction;
/// a migration is never edited once released — a later one changes what it did.
public struct Migration: Sendable {
  public let version: Int
  public let name: String
  public let statements: [String]

  public init(version: Int, name: String, statements: [String]) {
    self.version = version
    self.name = name
    self.statements = statements
  }
}

public struct MigrationError: Error, CustomStringConvertible {
  public var description: String
}

/// Applies a service's migrations at start. Several instances may start at once: an
/// advisory lock keyed by the schema lets one migrate while the others wait, and each then
/// sees the migrations already applied.
public enum Migrator {
  public static func migrate(
    _ migrations: [Migration], schema: String, client: PostgresClient, logger: Logger
  ) async throws {
    let versions = migrations.map(\.version)
    guard versions == versions.sorted(), Set(versions).count == versions.count else {
      throw MigrationError(description: "migrations of \(schema) are not in strict version order")
    }
    let lockKey = "hall.migrations.\(schema)"
    try await client.withConnection { connection in
      try await connection.perform(
        "SELECT pg_advisory_lock(hashtext(\(lockKey)))", logger: logger)
      do {
        try await apply(migrations, schema: schema, connection: connection, logger: logger)
      } catch {
        try? await connection.perform(
          "SELECT pg_advisory_unlock(hashtext(\(lockKey)))", logger: logger)
        throw error
      }
      try await connection.perform(
        "SELECT pg_advisory_unlock(hashtext(\(lockKey)))", logger: logger)
    }
  }

  private static func apply(
    _ migrations: [Migration], schema: String, connection: PostgresConnection, logger: Logger
  ) async throws {
    try await connection.query(
      """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())
      """, logger: logger)
    var applied = Set<Int>()
    for try await version in try await connection.query(
      "SELECT version FROM schema_migrations", logger: logger
    ).decode(Int.self) {
      applied.insert(version)
    }
    for migration in migrations where !applied.contains(migration.version) {
      logger.info(
        "applying migration",
        metadata: [
          "schema": "\(schema)", "version": "\(migration.version)", "name": "\(migration.name)",
        ])
      try await connection.withTransaction(logger: logger) { tx in
        for statement in migration.statements {
          try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await tx.query(
          "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
          logger: logger)
      }
    }
  }
}
