import Foundation
import HallCalendar
import Testing

@Suite("CAT-10 civil dates and times of day")
struct CivilDateTests {
  @Test("every day from 1970 to 2100 converts to a day number and back")
  func roundTripEveryDay() throws {
    var failures: [String] = []
    var expectedDayNumber = 0
    for (year, month, dayOfMonth) in allDays(of: 1970...2100) {
      let date = try CivilDate(year: year, month: month, day: dayOfMonth)
      let text = isoText(year, month, dayOfMonth)
      if date.dayNumber != expectedDayNumber
        || CivilDate(dayNumber: expectedDayNumber) != date
        || date.weekday != sakamotoWeekday(year: year, month: month, day: dayOfMonth)
        || date.description != text || CivilDate(text) != date
      {
        failures.append(text)
      }
      expectedDayNumber += 1
    }
    #expect(failures.isEmpty, "\(failures.prefix(10))")
    #expect(expectedDayNumber == 47_847)
  }

  @Test(
    "known day numbers and weekdays",
    arguments: [
      ("1969-12-31", -1, 3), ("1970-01-01", 0, 4), ("2000-01-01", 10_957, 6),
      ("2024-02-29", 19_782, 4), ("2025-01-01", 20_089, 3), ("2026-01-01", 20_454, 4),
      ("2026-02-14", 20_498, 6), ("2026-01-04", 20_457, 7), ("1949-10-01", -7397, 6),
      ("0001-01-01", -719_162, 1), ("9999-12-31", 2_932_896, 5),
    ])
  func knownDates(text: String, dayNumber: Int, weekday: Int) {
    let date = day(text)
    #expect(date.dayNumber == dayNumber)
    #expect(date.weekday == weekday)
    #expect(date.isWeekend == (weekday >= 6))
    #expect(CivilDate(dayNumber: dayNumber) == date)
  }

  @Test(
    "invalid dates are rejected",
    arguments: [
      (2025, 2, 29), (2024, 13, 1), (2024, 0, 10), (2024, 4, 31), (0, 1, 1), (10_000, 1, 1),
    ]
  )
  func invalidDates(year: Int, month: Int, dayOfMonth: Int) {
    #expect(throws: CalendarError.invalidDate(year: year, month: month, day: dayOfMonth)) {
      try CivilDate(year: year, month: month, day: dayOfMonth)
    }
  }

  @Test(
    "malformed text is rejected",
    arguments: ["2025-1-01", "2025/01/01", "abcd-ef-gh", "", "2025-01-011"])
  func malformedDates(text: String) {
    #expect(throws: CalendarError.malformedDate(text)) { try CivilDate(parsing: text) }
    #expect(CivilDate(text) == nil)
  }

  @Test("a well-formed but impossible date reports the date")
  func impossibleDate() {
    #expect(throws: CalendarError.invalidDate(year: 2025, month: 2, day: 30)) {
      try CivilDate(parsing: "2025-02-30")
    }
  }

  @Test("adding days, ordering and coding")
  func arithmetic() throws {
    #expect(day("2025-12-31").adding(days: 1) == day("2026-01-01"))
    #expect(day("2024-03-01").adding(days: -1) == day("2024-02-29"))
    #expect(day("2025-01-01").days(until: day("2026-01-01")) == 365)
    #expect(day("2025-12-31") < day("2026-01-01"))
    #expect(day("2026-02-01") > day("2026-01-31"))
    let encoded = try JSONEncoder().encode([day("2026-02-14")])
    #expect(String(decoding: encoded, as: UTF8.self) == #"["2026-02-14"]"#)
    #expect(try JSONDecoder().decode([CivilDate].self, from: encoded) == [day("2026-02-14")])
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-02-30"]"#.utf8))
    }
  }

  @Test("the civil day of an instant is taken in UTC+8")
  func civilDayOfInstant() {
    #expect(CivilDate(chinaStandardTimeOf: utc("2026-03-02 20:00")) == day("2026-03-03"))
    #expect(CivilDate(chinaStandardTimeOf: utc("2026-03-02 15:59:59")) == day("2026-03-02"))
    #expect(CivilDate(chinaStandardTimeOf: utc("2026-03-02 16:00")) == day("2026-03-03"))
    #expect(day("2026-03-03").instant(at: time("04:00")) == utc("2026-03-02 20:00"))
    #expect(day("1969-12-31").instant(at: time("17:00")) == utc("1969-12-31 09:00"))
  }

  @Test("times of day parse, format and validate")
  func timesOfDay() throws {
    #expect(time("09:00").minutes == 540)
    #expect(time("24:00").minutes == 1440)
    #expect(time("13:05").description == "13:05")
    #expect(try TimeOfDay(hour: 17).description == "17:00")
    #expect(throws: CalendarError.invalidTimeOfDay(hour: 24, minute: 1)) {
      try TimeOfDay(hour: 24, minute: 1)
    }
    #expect(throws: CalendarError.invalidTimeOfDay(hour: 25, minute: 0)) {
      try TimeOfDay(hour: 25)
    }
    #expect(throws: CalendarError.invalidTimeOfDay(hour: -1, minute: 0)) {
      try TimeOfDay(hour: -1)
    }
    #expect(throws: CalendarError.invalidTimeOfDay(hour: 9, minute: 60)) {
      try TimeOfDay(hour: 9, minute: 60)
    }
    #expect(throws: CalendarError.malformedTimeOfDay("9:00")) { try TimeOfDay(parsing: "9:00") }
  }
}
