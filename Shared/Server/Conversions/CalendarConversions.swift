public import HallCalendar
public import HallContracts
import SwiftProtobuf

/// Between the contract's calendar messages and the calendar library, which does all the
/// checking: a year the library refuses is refused with its precise reason.
public enum CalendarConversions {
  public static func library(_ year: Hall_Catalog_V1_CalendarYear) throws(ServiceError)
    -> CalendarYear
  {
    func date(_ value: Hall_Common_V1_CivilDate, _ field: String) throws(ServiceError)
      -> CivilDate
    {
      try Days.civil(value, field: "calendar_year.\(field)")
    }
    var holidays: [Holiday] = []
    for (index, holiday) in year.holidays.enumerated() {
      try Text.require(holiday.name, field: "calendar_year.holidays[\(index)].name", max: 50)
      let first = try date(holiday.firstDay, "holidays[\(index)].first_day")
      let last = try date(holiday.lastDay, "holidays[\(index)].last_day")
      do {
        holidays.append(try Holiday(name: holiday.name, firstDay: first, lastDay: last))
      } catch {
        throw .invalidArgument(
          field: "calendar_year.holidays[\(index)]", message: error.description)
      }
    }
    var makeUpDays: [MakeUpDay] = []
    for (index, day) in year.makeUpDays.enumerated() {
      makeUpDays.append(
        MakeUpDay(date: try date(day.date, "make_up_days[\(index)].date"), holiday: day.holidayName)
      )
    }
    guard (2000...2200).contains(year.year) else {
      throw .invalidArgument(field: "calendar_year.year", message: "must be 2000 to 2200")
    }
    do {
      return try CalendarYear(
        year: Int(year.year), notice: year.notice, holidays: holidays, makeUpDays: makeUpDays)
    } catch {
      throw .invalidArgument(field: "calendar_year", message: error.description)
    }
  }

  public static func proto(_ year: CalendarYear) -> Hall_Catalog_V1_CalendarYear {
    .with {
      $0.year = Int32(year.year)
      $0.notice = year.notice
      $0.holidays = year.holidays.map { holiday in
        .with {
          $0.name = holiday.name
          $0.firstDay = Days.proto(holiday.firstDay)
          $0.lastDay = Days.proto(holiday.lastDay)
        }
      }
      $0.makeUpDays = year.makeUpDays.map { day in
        .with {
          $0.date = Days.proto(day.date)
          $0.holidayName = day.holiday
        }
      }
    }
  }

  public static func library(_ hours: Hall_Catalog_V1_HallHours) throws(ServiceError) -> HallHours {
    var sessions: [HallSession] = []
    for (index, session) in hours.sessions.enumerated() {
      do {
        sessions.append(
          try HallSession(
            start: TimeOfDay(hour: Int(session.start.hours), minute: Int(session.start.minutes)),
            end: TimeOfDay(hour: Int(session.end.hours), minute: Int(session.end.minutes))))
      } catch {
        throw .invalidArgument(field: "hall_hours.sessions[\(index)]", message: error.description)
      }
    }
    do {
      return try HallHours(sessions: sessions)
    } catch {
      throw .invalidArgument(field: "hall_hours.sessions", message: error.description)
    }
  }

  public static func proto(_ hours: HallHours) -> Hall_Catalog_V1_HallHours {
    .with {
      $0.sessions = hours.sessions.map { session in
        .with {
          $0.start = .with {
            $0.hours = Int32(session.start.hour)
            $0.minutes = Int32(session.start.minute)
          }
          $0.end = .with {
            $0.hours = Int32(session.end.hour)
            $0.minutes = Int32(session.end.minute)
          }
        }
      }
    }
  }
}
