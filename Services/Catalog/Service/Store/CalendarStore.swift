import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The working calendar as data (CAT-10): the years' holiday arrangements, and the hall
/// hours kept under one key of the settings table.
struct CalendarStore: Sendable {
  let db: Database

  static let hallHoursKey = "hall_hours"

  /// Stores a year unless it is present already; returns whether it was stored.
  func addIfAbsent(_ year: CalendarYearMessage) async throws -> Bool {
    try await !db.prepared(
      """
      INSERT INTO calendar_years (year, body, updated_by)
      VALUES (\(year.year), \(try year.bytea()), 'system')
      ON CONFLICT (year) DO NOTHING RETURNING 1
      """
    ).isEmpty
  }

  /// Stores a year, replacing the one present, with its audit line.
  func put(_ year: CalendarYearMessage) async throws {
    try await db.perform(
      """
      INSERT INTO calendar_years (year, body, updated_at, updated_by)
      VALUES (\(year.year), \(try year.bytea()), \(year.updateTime.date), \(year.updatedBy))
      ON CONFLICT (year) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
        updated_by = excluded.updated_by
      """)
    try await db.audit(.putCalendarYear, target: "calendar:\(year.year)", detail: year.notice)
  }

  func year(_ year: Int32) async throws -> CalendarYearMessage? {
    try await db.value(ByteBuffer.self, "SELECT body FROM calendar_years WHERE year = \(year)")
      .map(CalendarYearMessage.init(bytea:))
  }

  func years() async throws -> [CalendarYearMessage] {
    try await db.prepared("SELECT body FROM calendar_years ORDER BY year").map {
      try CalendarYearMessage(bytea: try $0.decode(ByteBuffer.self))
    }
  }

  /// Stores the hall hours and `event` in one statement, then the audit line.
  func setHallHours(
    _ hours: HallHoursMessage, by actor: String, detail: String, event: Outbox.Entry
  ) async throws {
    try await Outbox.append(
      [event],
      alongside: """
        INSERT INTO settings (key, body, updated_by)
        VALUES (\(Self.hallHoursKey), \(try hours.bytea()), \(actor))
        ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = now(),
          updated_by = excluded.updated_by
        """, on: db)
    try await db.audit(.setHallHours, target: "settings:hall_hours", detail: detail)
  }

  /// The calendar as stored now. Read per call: a handful of rows, and every instance sees
  /// a change the moment it commits.
  func calendar() async throws -> WorkingCalendar {
    let rows = try await db.prepared(
      """
      SELECT 'y', body FROM calendar_years
      UNION ALL SELECT 'h', body FROM settings WHERE key = \(Self.hallHoursKey)
      """)
    var years: [CalendarYear] = []
    var hours = HallHours.standard
    for row in rows {
      let (kind, body) = try row.decode((String, ByteBuffer).self)
      if kind == "y" {
        years.append(try CalendarConversions.library(try CalendarYearMessage(bytea: body)))
      } else {
        hours = try CalendarConversions.library(try HallHoursMessage(bytea: body))
      }
    }
    return try WorkingCalendar(years: years, hours: hours)
  }
}
