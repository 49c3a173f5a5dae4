import Foundation
import HallCalendar
import HallContracts
import HallServer

/// The working calendar's answers as the contract gives them (CAT-10).
enum CalendarRules {
  /// A year as the contract states it, with its count of working days.
  static func message(of year: CalendarYear) throws -> CalendarYearMessage {
    let calendar = try WorkingCalendar(years: [year])
    var message = CalendarConversions.proto(year)
    message.workingDayCount = Int32(
      calendar.workingDays(
        from: try CivilDate(year: year.year, month: 1, day: 1),
        through: try CivilDate(year: year.year, month: 12, day: 31)))
    return message
  }

  /// Whether every year between two instants has an arrangement.
  static func isDefined(_ calendar: WorkingCalendar, from start: Date, to end: Date) -> Bool {
    let first = CivilDate(chinaStandardTimeOf: start).year
    let last = CivilDate(chinaStandardTimeOf: end).year
    return (first...max(first, last)).allSatisfy { calendar.isDefined(year: $0) }
  }
}
