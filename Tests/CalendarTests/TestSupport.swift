import Foundation
import HallCalendar

/// The instant of `"YYYY-MM-DD HH:MM"` or `"YYYY-MM-DD HH:MM:SS"` read in UTC+8.
///
/// Computed here from the day number and a fixed offset rather than with the library's own
/// `CivilDate.instant(at:)`, so that expectations do not reuse the code under test.
func cst(_ text: String) -> Date {
  instant(text, offsetHours: 8)
}

/// The instant of `"YYYY-MM-DD HH:MM[:SS]"` read in UTC.
func utc(_ text: String) -> Date {
  instant(text, offsetHours: 0)
}

private func instant(_ text: String, offsetHours: Int) -> Date {
  let parts = text.split(separator: " ")
  guard parts.count == 2, let date = CivilDate(String(parts[0])) else {
    fatalError("bad instant literal \(text)")
  }
  let clock = parts[1].split(separator: ":").compactMap { Int($0) }
  guard clock.count == 2 || clock.count == 3 else { fatalError("bad instant literal \(text)") }
  let secondOfDay = clock[0] * 3600 + clock[1] * 60 + (clock.count == 3 ? clock[2] : 0)
  let seconds = date.dayNumber * 86_400 + secondOfDay - offsetHours * 3600
  return Date(timeIntervalSince1970: TimeInterval(seconds))
}

func day(_ text: String) -> CivilDate {
  guard let date = CivilDate(text) else { fatalError("bad date literal \(text)") }
  return date
}

func time(_ text: String) -> TimeOfDay {
  guard let time = TimeOfDay(text) else { fatalError("bad time literal \(text)") }
  return time
}

/// ISO weekday (1 = Monday) by Sakamoto's method, independent of the library's day numbers.
func sakamotoWeekday(year: Int, month: Int, day: Int) -> Int {
  let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
  let shiftedYear = month < 3 ? year - 1 : year
  let sundayBased =
    (shiftedYear + shiftedYear / 4 - shiftedYear / 100 + shiftedYear / 400
      + offsets[month - 1] + day) % 7
  return sundayBased == 0 ? 7 : sundayBased
}

func testDaysInMonth(_ month: Int, of year: Int) -> Int {
  let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
}

/// Every day of `years` as (year, month, day), enumerated without the library.
func allDays(of years: ClosedRange<Int>) -> [(year: Int, month: Int, day: Int)] {
  var days: [(year: Int, month: Int, day: Int)] = []
  for year in years {
    for month in 1...12 {
      for day in 1...testDaysInMonth(month, of: year) {
        days.append((year, month, day))
      }
    }
  }
  return days
}

func isoText(_ year: Int, _ month: Int, _ day: Int) -> String {
  func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: width - digits.count) + digits
  }
  return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
}

let calendar = WorkingCalendar.stateCouncil
