import Foundation
import HallCalendar
import Testing

/// The State Council tables, restated here as plain text so that the expectation does not
/// share a single line with the library's data.
private let expectedDaysOff: [Int: [(first: String, last: String)]] = [
  2025: [
    ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
  ],
  2026: [
    ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
  ],
]

private let expectedMakeUpDays: [Int: [String]] = [
  2025: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
  2026: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
]

@Suite("CAT-10 State Council arrangements 2025 and 2026")
struct ArrangementTests {
  /// Mon–Fri is 261 days in both years (each starts on a weekday, 52 weeks and one day).
  /// 2025: 18 weekday days off (1 + 6 + 1 + 3 + 1 + 6) and 5 make-up days: 261 − 18 + 5 = 248.
  /// 2026: 19 weekday days off (2 + 6 + 1 + 3 + 1 + 1 + 5) and 6 make-up days: 261 − 19 + 6 = 248.
  /// The brief's 250 does not survive this recount, so 248 is asserted.
  @Test("every day is classified as in the notice", arguments: [(2025, 248), (2026, 248)])
  func everyDay(year: Int, workingDayTotal: Int) throws {
    let ranges = try #require(expectedDaysOff[year])
    let makeUps = Set(try #require(expectedMakeUpDays[year]))
    var mismatches: [String] = []
    var expectedTotal = 0
    var weekdayTotal = 0
    for (yearValue, month, dayOfMonth) in allDays(of: year...year) {
      let text = isoText(yearValue, month, dayOfMonth)
      let weekday = sakamotoWeekday(year: yearValue, month: month, day: dayOfMonth)
      let isOff = ranges.contains { $0.first <= text && text <= $0.last }
      let expected = makeUps.contains(text) || (weekday <= 5 && !isOff)
      weekdayTotal += weekday <= 5 ? 1 : 0
      expectedTotal += expected ? 1 : 0
      if calendar.isWorkingDay(day(text)) != expected {
        mismatches.append(text)
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
    #expect(weekdayTotal == 261)
    #expect(expectedTotal == workingDayTotal)
    let total = calendar.workingDays(
      from: try CivilDate(year: year, month: 1, day: 1),
      through: try CivilDate(year: year, month: 12, day: 31))
    #expect(total == workingDayTotal)
    #expect(calendar.isDefined(year: year))
  }

  @Test(
    "make-up Saturdays and Sundays are working days",
    arguments: [
      "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10", "2026-01-04",
      "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    ])
  func makeUpDays(text: String) {
    let date = day(text)
    #expect(date.isWeekend)
    #expect(calendar.isWorkingDay(date))
    let arrangement = calendar.years.first { $0.year == date.year }
    #expect(arrangement?.makeUpDay(on: date)?.date == date)
  }

  @Test("weekday days off are not working days")
  func weekdayDaysOff() {
    for text in [
      "2025-01-01", "2025-02-04", "2025-10-08", "2026-01-02", "2026-02-23", "2026-10-07",
    ] {
      #expect(!day(text).isWeekend)
      #expect(!calendar.isWorkingDay(day(text)), "\(text)")
    }
    let arrangement = StateCouncilArrangements.year2026
    #expect(arrangement.holiday(on: day("2026-02-17"))?.name == "春节")
    #expect(arrangement.holiday(on: day("2026-02-24")) == nil)
  }

  @Test("the shipped data cites its notices")
  func notices() {
    #expect(StateCouncilArrangements.year2025.notice.contains("国办发明电〔2024〕12号"))
    #expect(StateCouncilArrangements.year2026.notice.contains("2026年"))
    #expect(StateCouncilArrangements.all.map(\.year) == [2025, 2026])
    #expect(calendar.hours == .standard)
  }

  @Test("a year without an arrangement falls back to Monday to Friday")
  func undefinedYear() {
    #expect(!calendar.isDefined(year: 2027))
    #expect(!calendar.isDefined(year: 2024))
    var mismatches: [String] = []
    for (year, month, dayOfMonth) in allDays(of: 2027...2027) {
      let weekday = sakamotoWeekday(year: year, month: month, day: dayOfMonth)
      let text = isoText(year, month, dayOfMonth)
      if calendar.isWorkingDay(day(text)) != (weekday <= 5) {
        mismatches.append(text)
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
    #expect(calendar.isWorkingDay(day("2027-01-01")))
    #expect(calendar.workingDays(from: day("2027-01-01"), through: day("2027-12-31")) == 261)
  }

  @Test("next and previous working days")
  func neighbours() {
    #expect(calendar.nextWorkingDay(after: day("2026-02-13")) == day("2026-02-14"))
    #expect(calendar.nextWorkingDay(after: day("2026-02-14")) == day("2026-02-24"))
    #expect(calendar.nextWorkingDay(onOrAfter: day("2026-02-15")) == day("2026-02-24"))
    #expect(calendar.nextWorkingDay(onOrAfter: day("2026-02-24")) == day("2026-02-24"))
    #expect(calendar.nextWorkingDay(after: day("2025-12-31")) == day("2026-01-04"))
    #expect(calendar.nextWorkingDay(after: day("2026-12-31")) == day("2027-01-01"))
    #expect(calendar.previousWorkingDay(before: day("2026-02-24")) == day("2026-02-14"))
    #expect(calendar.previousWorkingDay(before: day("2026-01-05")) == day("2026-01-04"))
    #expect(calendar.previousWorkingDay(before: day("2026-01-04")) == day("2025-12-31"))
    #expect(calendar.previousWorkingDay(before: day("2025-01-02")) == day("2024-12-31"))
  }

  @Test("counting working days over spans")
  func counting() {
    #expect(calendar.workingDays(from: day("2025-01-01"), through: day("2026-12-31")) == 496)
    #expect(calendar.workingDays(from: day("2024-01-01"), through: day("2027-12-31")) == 1019)
    #expect(calendar.workingDays(from: day("2026-02-14"), through: day("2026-02-24")) == 2)
    #expect(calendar.workingDays(from: day("2026-02-15"), through: day("2026-02-23")) == 0)
    #expect(calendar.workingDays(from: day("2026-02-24"), through: day("2026-02-24")) == 1)
    #expect(calendar.workingDays(from: day("2026-02-24"), through: day("2026-02-23")) == 0)
    var walked = 0
    for (year, month, dayOfMonth) in allDays(of: 2024...2027)
    where calendar.isWorkingDay(day(isoText(year, month, dayOfMonth))) {
      walked += 1
    }
    #expect(walked == 1019)
  }

  @Test("a calendar survives JSON coding unchanged")
  func coding() throws {
    let data = try JSONEncoder().encode(calendar)
    let decoded = try JSONDecoder().decode(WorkingCalendar.self, from: data)
    #expect(decoded == calendar)
    #expect(decoded.isWorkingDay(day("2026-02-14")))
    #expect(decoded.hours.closing == time("17:00"))
  }
}
