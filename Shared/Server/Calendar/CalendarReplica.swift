public import HallDatabase
public import HallContracts
import Logging
import PostgresNIO
import SwiftProtobuf

/// A service's copy of the working calendar, kept from the catalog's feed (REL-2): every
/// service counts working days with the same calendar the catalog publishes, and keeps
/// counting while the catalog is down. ``CalendarSource`` reads it.
public enum CalendarReplica {
  /// The catalog's event types this replica applies.
  public static let eventTypes = ["catalog.calendar_year.", "catalog.hall_hours."]

  /// The replica's tables, for the consuming service's migrations.
  public static let statements: [String] = [
    "CREATE TABLE calendar_years (year integer PRIMARY KEY, body bytea NOT NULL)",
    """
    CREATE TABLE hall_hours (
      id integer PRIMARY KEY CHECK (id = 1),
      body bytea NOT NULL)
    """,
    // Grows with every calendar change, so that each instance knows when to reload.
    """
    CREATE TABLE calendar_revision (
      id integer PRIMARY KEY CHECK (id = 1),
      revision bigint NOT NULL)
    """,
    "INSERT INTO calendar_revision VALUES (1, 0)",
  ]

  /// Applies a calendar event in the consumer's transaction; returns whether it was one.
  public static func apply(_ event: FeedEvent, on db: Database) async throws -> Bool {
    switch event.type {
    case "catalog.calendar_year.put":
      let year = try Hall_Catalog_V1_CalendarYear(unpackingAny: event.payload)
      try await db.perform(
        """
        INSERT INTO calendar_years (year, body) VALUES (\(Int(year.year)), \(try year.bytea()))
        ON CONFLICT (year) DO UPDATE SET body = excluded.body
        """)
    case "catalog.hall_hours.set":
      let hours = try Hall_Catalog_V1_HallHours(unpackingAny: event.payload)
      try await db.perform(
        """
        INSERT INTO hall_hours (id, body) VALUES (1, \(try hours.bytea()))
        ON CONFLICT (id) DO UPDATE SET body = excluded.body
        """)
    default:
      return false
    }
    try await db.perform("UPDATE calendar_revision SET revision = revision + 1")
    return true
  }
}
