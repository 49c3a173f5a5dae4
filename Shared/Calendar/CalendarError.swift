/// Why a calendar value was rejected.
///
/// Each case carries the offending value so that an operator who mistypes one date in a
/// year's arrangement sees exactly which date is wrong instead of a generic failure.
public enum CalendarError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
  /// The year, month and day do not name a day of the proleptic Gregorian calendar
  /// between 0001-01-01 and 9999-12-31.
  case invalidDate(year: Int, month: Int, day: Int)
  /// The text is not of the form `YYYY-MM-DD`.
  case malformedDate(String)
  /// The hour and minute do not name a time between 00:00 and 24:00.
  case invalidTimeOfDay(hour: Int, minute: Int)
  /// The text is not of the form `HH:MM`.
  case malformedTimeOfDay(String)
  /// A hall session does not end after it starts.
  case emptySession(start: TimeOfDay, end: TimeOfDay)
  /// Hall hours without any session would make every working day zero seconds long.
  case noSessions
  /// The second session starts before the first one ends (overlapping or out of order).
  case sessionsOutOfOrder(HallSession, HallSession)
  /// A holiday's last day is before its first day.
  case holidayEndsBeforeItStarts(name: String, firstDay: CivilDate, lastDay: CivilDate)
  /// A day off or make-up working day lies outside the year of the arrangement.
  case dateOutsideYear(CivilDate, year: Int)
  /// A make-up working day falls on Monday to Friday, where it would change nothing.
  case makeUpDayNotOnWeekend(CivilDate)
  /// The same day is declared both a day off and a make-up working day.
  case dayOffIsMakeUpDay(CivilDate)
  /// The same day is listed twice (two holidays overlap, or a make-up day is repeated).
  case duplicateDay(CivilDate)
  /// A make-up working day names a holiday that the arrangement does not contain.
  case makeUpDayForUnknownHoliday(CivilDate, holiday: String)
  /// A working calendar was given two arrangements for the same year.
  case duplicateYear(Int)
  /// A time limit was given as a negative number of working days.
  case negativeWorkingDays(Int)
  /// A working-time amount was given as a negative number of seconds.
  case negativeWorkingSeconds(Int64)
  /// The result would fall after 9999-12-31.
  case beyondSupportedRange

  public var description: String {
    switch self {
    case .invalidDate(let year, let month, let day):
      return "invalid date: year \(year), month \(month), day \(day)"
    case .malformedDate(let text):
      return "malformed date \"\(text)\" (expected YYYY-MM-DD)"
    case .invalidTimeOfDay(let hour, let minute):
      return "invalid time of day: hour \(hour), minute \(minute) (expected 00:00...24:00)"
    case .malformedTimeOfDay(let text):
      return "malformed time of day \"\(text)\" (expected HH:MM)"
    case .emptySession(let start, let end):
      return "hall session \(start)-\(end) does not end after it starts"
    case .noSessions:
      return "hall hours need at least one session"
    case .sessionsOutOfOrder(let first, let second):
      return "hall session \(second) starts before session \(first) ends"
    case .holidayEndsBeforeItStarts(let name, let firstDay, let lastDay):
      return "holiday \(name) ends on \(lastDay), before it starts on \(firstDay)"
    case .dateOutsideYear(let date, let year):
      return "\(date) is outside the arrangement for \(year)"
    case .makeUpDayNotOnWeekend(let date):
      return "make-up working day \(date) is not a Saturday or Sunday"
    case .dayOffIsMakeUpDay(let date):
      return "\(date) is both a day off and a make-up working day"
    case .duplicateDay(let date):
      return "\(date) is listed more than once"
    case .makeUpDayForUnknownHoliday(let date, let holiday):
      return "make-up working day \(date) refers to unknown holiday \(holiday)"
    case .duplicateYear(let year):
      return "the arrangement for \(year) is given more than once"
    case .negativeWorkingDays(let count):
      return "a time limit cannot be \(count) working days"
    case .negativeWorkingSeconds(let seconds):
      return "working time cannot be \(seconds) seconds"
    case .beyondSupportedRange:
      return "the result would fall after 9999-12-31"
    }
  }
}
