public import HallCalendar
import HallContracts
public import Logging
public import PostgresNIO
import Synchronization

/// The working calendar as intake's replica holds it, built once per calendar revision and
/// shared by every call: each call only reads the revision number, and another instance's
/// consumer applying a new year is seen at the next call.
///
/// Until the catalog's calendar has arrived, the State Council arrangements shipped with the
/// calendar library apply (the catalog seeds the same ones).
public final class CalendarSource: Sendable {
  private let cached = Mutex<(revision: Int64, calendar: WorkingCalendar)?>(nil)

  /// The calendar in force, read on `connection` (inside the caller's transaction, so that a
  /// calendar change applied in the same transaction is seen).
  public init() {}

  public func calendar(on connection: PostgresConnection, logger: Logger) async throws
    -> WorkingCalendar
  {
    let rows = try await connection.query(
      "SELECT revision FROM calendar_revision", logger: logger
    ).collect()
    let revision = try rows.first?.decode(Int64.self) ?? 0
    return try await calendar(revision: revision, on: connection, logger: logger)
  }

  /// The calendar of `revision`, which the caller read on `connection` with another query
  /// (saving the round trip on a hot path).
  public func calendar(revision: Int64, on connection: PostgresConnection, logger: Logger)
    async throws -> WorkingCalendar
  {
    if let hit = cached.withLock({ $0 }), hit.revision == revision { return hit.calendar }
    let calendar = try await Self.load(on: connection, logger: logger)
    cached.withLock { $0 = (revision, calendar) }
    return calendar
  }

  public static func load(on connection: PostgresConnection, logger: Logger) async throws
    -> WorkingCalendar
  {
    let rows = try await connection.query(
      """
      SELECT 'y', body FROM calendar_years
      UNION ALL SELECT 'h', body FROM hall_hours
      """, logger: logger
    ).collect()
    var years: [Int: CalendarYear] = [:]
    var hours = HallHours.standard
    for row in rows {
      let (kind, body) = try row.decode((String, ByteBuffer).self)
      if kind == "y" {
        let year = try CalendarConversions.library(try Hall_Catalog_V1_CalendarYear(bytea: body))
        years[year.year] = year
      } else {
        hours = try CalendarConversions.library(try Hall_Catalog_V1_HallHours(bytea: body))
      }
    }
    for shipped in WorkingCalendar.stateCouncil.years where years[shipped.year] == nil {
      years[shipped.year] = shipped
    }
    return try WorkingCalendar(years: years.values.sorted { $0.year < $1.year }, hours: hours)
  }
}
