public import HallCalendar
import HallContracts
import PostgresNIO
public import HallDatabase
import Synchronization

/// The working calendar as intake's replica holds it, built once per calendar revision and
/// shared by every call: each call only reads the revision number, and another instance's
/// consumer applying a new year is seen at the next call.
///
/// Until the catalog's calendar has arrived, the State Council arrangements shipped with the
/// calendar library apply (the catalog seeds the same ones).
public final class CalendarSource: Sendable {
  private let cached = Mutex<(revision: Int64, calendar: WorkingCalendar)?>(nil)

  public init() {}

  /// The calendar in force, read on `db` (inside the caller's transaction, so that a
  /// calendar change applied in the same transaction is seen).
  public func calendar(on db: Database) async throws -> WorkingCalendar {
    let revision = try await db.value(Int64.self, "SELECT revision FROM calendar_revision")
    return try await calendar(revision: revision ?? 0, on: db)
  }

  /// The calendar of `revision`, which the caller read on `db` with another query (saving
  /// the round trip on a hot path).
  public func calendar(revision: Int64, on db: Database) async throws -> WorkingCalendar {
    if let hit = cached.withLock({ $0 }), hit.revision == revision { return hit.calendar }
    let calendar = try await Self.load(on: db)
    cached.withLock { $0 = (revision, calendar) }
    return calendar
  }

  public static func load(on db: Database) async throws -> WorkingCalendar {
    let rows = try await db.query(
      """
      SELECT 'y', body FROM calendar_years
      UNION ALL SELECT 'h', body FROM hall_hours
      """)
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
