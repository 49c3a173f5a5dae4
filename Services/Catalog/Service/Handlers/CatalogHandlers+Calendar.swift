import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// The working calendar (CAT-10): the years' holiday arrangements and the hall hours, as
/// data, with the library's answers served to integrators.
extension CatalogRPC {
  static let hallHoursKey = "hall_hours"

  /// Ships the State Council's arrangements: a new deployment knows 2025 and 2026 at once.
  /// Years already present are left as an operator set them.
  func seedCalendar() async throws {
    try await db.transaction(logger: logger) { connection in
      for year in StateCouncilArrangements.all {
        let message = try withCount(CalendarConversions.proto(year), year: year)
        let inserted = try await connection.query(
          """
          INSERT INTO calendar_years (year, body, updated_by)
          VALUES (\(Int32(year.year)), \(try message.bytea()), 'system')
          ON CONFLICT (year) DO NOTHING RETURNING 1
          """, logger: logger
        ).collect()
        if !inserted.isEmpty {
          try await Outbox.append(
            type: "catalog.calendar_year.put", aggregateID: String(year.year), payload: message,
            at: clock.now, on: connection, logger: logger)
        }
      }
    }
  }

  private func withCount(_ message: Hall_Catalog_V1_CalendarYear, year: CalendarYear) throws
    -> Hall_Catalog_V1_CalendarYear
  {
    let calendar = try WorkingCalendar(years: [year])
    var message = message
    message.workingDayCount = Int32(
      calendar.workingDays(
        from: try CivilDate(year: year.year, month: 1, day: 1),
        through: try CivilDate(year: year.year, month: 12, day: 31)))
    return message
  }

  func putCalendarYear(
    request: Hall_Catalog_V1_PutCalendarYearRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_CalendarYear {
    let year = try CalendarConversions.library(request.calendarYear)
    try Text.require(request.calendarYear.notice, field: "calendar_year.notice", max: 200)
    return try await Idempotency.once(
      requestID: request.requestID, method: "PutCalendarYear", client: db, logger: logger
    ) { connection in
      var message = try withCount(CalendarConversions.proto(year), year: year)
      let now = clock.now
      message.updateTime = .init(date: now)
      message.updatedBy = actor
      try await connection.query(
        """
        INSERT INTO calendar_years (year, body, updated_at, updated_by)
        VALUES (\(Int32(year.year)), \(try message.bytea()), \(now), \(actor))
        ON CONFLICT (year) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
          updated_by = excluded.updated_by
        """, logger: logger)
      try await Audit.record(
        "put_calendar_year", target: "calendar:\(year.year)", detail: year.notice,
        on: connection, logger: logger)
      try await Outbox.append(
        type: "catalog.calendar_year.put", aggregateID: String(year.year), payload: message,
        at: now, on: connection, logger: logger)
      return message
    }
  }

  func getCalendarYear(
    request: Hall_Catalog_V1_GetCalendarYearRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_CalendarYear {
    let rows = try await db.query(
      "SELECT body FROM calendar_years WHERE year = \(request.year)", logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("no holiday arrangement for \(request.year)")
    }
    return try Hall_Catalog_V1_CalendarYear(bytea: try row.decode(ByteBuffer.self))
  }

  func listCalendarYears(
    request: Hall_Catalog_V1_ListCalendarYearsRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ListCalendarYearsResponse {
    let rows = try await db.query("SELECT body FROM calendar_years ORDER BY year", logger: logger)
      .collect()
    return try .with {
      $0.years = try rows.map {
        try Hall_Catalog_V1_CalendarYear(bytea: try $0.decode(ByteBuffer.self))
      }
    }
  }

  func setHallHours(
    request: Hall_Catalog_V1_SetHallHoursRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_HallHours {
    let hours = try CalendarConversions.library(request.hallHours)
    let message = CalendarConversions.proto(hours)
    try await db.transaction(logger: logger) { connection in
      try await connection.query(
        """
        INSERT INTO settings (key, body, updated_by)
        VALUES (\(Self.hallHoursKey), \(try message.bytea()), \(actor))
        ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = now(),
          updated_by = excluded.updated_by
        """, logger: logger)
      try await Audit.record(
        "set_hall_hours", target: "settings:hall_hours", detail: hours.description,
        on: connection, logger: logger)
      try await Outbox.append(
        type: "catalog.hall_hours.set", aggregateID: Self.hallHoursKey, payload: message,
        at: clock.now, on: connection, logger: logger)
    }
    return message
  }

  func getHallHours(
    request: Hall_Catalog_V1_GetHallHoursRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_HallHours {
    CalendarConversions.proto(try await loadCalendar().hours)
  }

  func computeDueTime(
    request: Hall_Catalog_V1_ComputeDueTimeRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ComputeDueTimeResponse {
    guard request.hasStartTime else {
      throw ServiceError.invalidArgument(field: "start_time", message: "is required")
    }
    guard (0...3650).contains(request.workingDays) else {
      throw ServiceError.invalidArgument(field: "working_days", message: "must be 0 to 3650")
    }
    let calendar = try await loadCalendar()
    let start = request.startTime.date
    let due: Date
    do {
      due = try calendar.dueTime(after: Int(request.workingDays), from: start)
    } catch {
      throw ServiceError.invalidArgument(field: "start_time", message: error.description)
    }
    return .with {
      $0.dueTime = .init(date: due)
      $0.calendarDefined = Self.defined(calendar, from: start, to: due)
    }
  }

  func countWorkingDays(
    request: Hall_Catalog_V1_CountWorkingDaysRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_CountWorkingDaysResponse {
    guard request.hasStartTime else {
      throw ServiceError.invalidArgument(field: "start_time", message: "is required")
    }
    guard request.hasEndTime else {
      throw ServiceError.invalidArgument(field: "end_time", message: "is required")
    }
    let calendar = try await loadCalendar()
    let start = request.startTime.date
    let end = request.endTime.date
    return .with {
      $0.workingDays = Int32(calendar.workingDaysElapsed(from: start, to: end))
      $0.calendarDefined = Self.defined(calendar, from: start, to: max(start, end))
    }
  }

  /// Whether every year between two instants has an arrangement.
  private static func defined(_ calendar: WorkingCalendar, from start: Date, to end: Date) -> Bool {
    let first = CivilDate(chinaStandardTimeOf: start).year
    let last = CivilDate(chinaStandardTimeOf: end).year
    return (first...max(first, last)).allSatisfy { calendar.isDefined(year: $0) }
  }

  /// The calendar as stored now. Read per call: a handful of rows, and every instance sees
  /// a change the moment it commits.
  func loadCalendar() async throws -> WorkingCalendar {
    let rows = try await db.query(
      """
      SELECT 'y', body FROM calendar_years
      UNION ALL SELECT 'h', body FROM settings WHERE key = \(Self.hallHoursKey)
      """, logger: logger
    ).collect()
    var years: [CalendarYear] = []
    var hours = HallHours.standard
    for row in rows {
      let (kind, body) = try row.decode((String, ByteBuffer).self)
      if kind == "y" {
        years.append(try CalendarConversions.library(try Hall_Catalog_V1_CalendarYear(bytea: body)))
      } else {
        hours = try CalendarConversions.library(try Hall_Catalog_V1_HallHours(bytea: body))
      }
    }
    return try WorkingCalendar(years: years, hours: hours)
  }
}
