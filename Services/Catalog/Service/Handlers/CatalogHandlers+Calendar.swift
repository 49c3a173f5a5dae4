import Foundation
import GRPCCore
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// The working calendar (CAT-10): the years' holiday arrangements and the hall hours, as
/// data, with the library's answers served to integrators.
extension CatalogHandlers {
  /// Ships the State Council's arrangements: a new deployment knows 2025 and 2026 at once.
  /// Years already present are left as an operator set them.
  func seedCalendar() async throws {
    try await service.transaction { db in
      var events: [Outbox.Entry] = []
      for year in StateCouncilArrangements.all {
        let message = try CalendarRules.message(of: year)
        if try await db.calendar.addIfAbsent(message) {
          events.append(
            CatalogEvent.calendarYearPut.entry(String(year.year), message, at: clock.now))
        }
      }
      try await Outbox.append(events, on: db)
    }
  }

  func putCalendarYear(request: PutCalendarYearRequest, context: ServerContext) async throws
    -> CalendarYearMessage
  {
    if let city = service.identity.parent, city.addresses["catalog"] != nil {
      throw ServiceError.failedPrecondition(
        "the working calendar is \(city.name)'s, which this deployment follows: only \(city.name) changes it (FED-2)"
      )
    }
    let year = try CalendarConversions.library(request.calendarYear)
    try Text.require(request.calendarYear.notice, field: "calendar_year.notice", max: 200)
    return try await service.change(request.requestID, context) { db in
      var message = try CalendarRules.message(of: year)
      let now = clock.now
      message.updateTime = .init(date: now)
      message.updatedBy = Caller.actor
      try await db.calendar.put(message)
      return Change(
        message, events: [CatalogEvent.calendarYearPut.entry(String(year.year), message, at: now)])
    }
  }

  func getCalendarYear(request: GetCalendarYearRequest, context: ServerContext) async throws
    -> CalendarYearMessage
  {
    guard let year = try await service.read({ db in try await db.calendar.year(request.year) })
    else { throw ServiceError.notFound("no holiday arrangement for \(request.year)") }
    return year
  }

  func listCalendarYears(request: ListCalendarYearsRequest, context: ServerContext)
    async throws -> ListCalendarYearsResponse
  {
    let years = try await service.read { db in try await db.calendar.years() }
    return .with { $0.years = years }
  }

  func setHallHours(request: SetHallHoursRequest, context: ServerContext) async throws
    -> HallHoursMessage
  {
    let hours = try CalendarConversions.library(request.hallHours)
    let message = CalendarConversions.proto(hours)
    try await service.transaction { db in
      try await db.calendar.setHallHours(
        message, by: Caller.actor, detail: hours.description,
        event: CatalogEvent.hallHoursSet.entry(CalendarStore.hallHoursKey, message, at: clock.now))
    }
    return message
  }

  func getHallHours(request: GetHallHoursRequest, context: ServerContext) async throws
    -> HallHoursMessage
  {
    CalendarConversions.proto(try await calendar().hours)
  }

  func computeDueTime(request: ComputeDueTimeRequest, context: ServerContext) async throws
    -> ComputeDueTimeResponse
  {
    guard request.hasStartTime else {
      throw ServiceError.invalidArgument(field: "start_time", message: "is required")
    }
    guard (0...3650).contains(request.workingDays) else {
      throw ServiceError.invalidArgument(field: "working_days", message: "must be 0 to 3650")
    }
    let calendar = try await calendar()
    let start = request.startTime.date
    let due: Date
    do {
      due = try calendar.dueTime(after: Int(request.workingDays), from: start)
    } catch {
      throw ServiceError.invalidArgument(field: "start_time", message: error.description)
    }
    return .with {
      $0.dueTime = .init(date: due)
      $0.calendarDefined = CalendarRules.isDefined(calendar, from: start, to: due)
    }
  }

  func countWorkingDays(request: CountWorkingDaysRequest, context: ServerContext) async throws
    -> CountWorkingDaysResponse
  {
    guard request.hasStartTime else {
      throw ServiceError.invalidArgument(field: "start_time", message: "is required")
    }
    guard request.hasEndTime else {
      throw ServiceError.invalidArgument(field: "end_time", message: "is required")
    }
    let calendar = try await calendar()
    let start = request.startTime.date
    let end = request.endTime.date
    return .with {
      $0.workingDays = Int32(calendar.workingDaysElapsed(from: start, to: end))
      $0.calendarDefined = CalendarRules.isDefined(calendar, from: start, to: max(start, end))
    }
  }

  /// The calendar as stored now (``CalendarStore/calendar()``).
  private func calendar() async throws -> WorkingCalendar {
    try await service.read { db in try await db.calendar.calendar() }
  }
}
