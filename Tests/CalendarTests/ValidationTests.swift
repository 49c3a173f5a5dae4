import HallCalendar
import Testing

private func year2025(
  holidays: [(String, String, String)], makeUpDays: [(String, String)] = []
) throws -> CalendarYear {
  try CalendarYear(
    year: 2025, notice: "test",
    holidays: holidays.map { name, first, last throws(CalendarError) in
      try Holiday(name: name, firstDay: day(first), lastDay: day(last))
    },
    makeUpDays: makeUpDays.map { MakeUpDay(date: day($0), holiday: $1) })
}

@Suite("CAT-10 validation of arrangements and hall hours")
struct ValidationTests {
  @Test("a day off outside the year")
  func dayOffOutsideYear() {
    #expect(throws: CalendarError.dateOutsideYear(day("2026-01-01"), year: 2025)) {
      try year2025(holidays: [("元旦", "2025-12-31", "2026-01-01")])
    }
    #expect(throws: CalendarError.dateOutsideYear(day("2024-12-31"), year: 2025)) {
      try year2025(holidays: [("元旦", "2024-12-31", "2024-12-31")])
    }
  }

  @Test("a make-up day outside the year")
  func makeUpDayOutsideYear() {
    #expect(throws: CalendarError.dateOutsideYear(day("2026-01-04"), year: 2025)) {
      try year2025(
        holidays: [("元旦", "2025-01-01", "2025-01-01")], makeUpDays: [("2026-01-04", "元旦")])
    }
  }

  @Test("a make-up day on a weekday")
  func makeUpDayOnWeekday() {
    #expect(throws: CalendarError.makeUpDayNotOnWeekend(day("2025-01-27"))) {
      try year2025(
        holidays: [("春节", "2025-01-28", "2025-02-04")], makeUpDays: [("2025-01-27", "春节")])
    }
  }

  @Test("a day that is both off and worked")
  func dayOffIsMakeUpDay() {
    #expect(throws: CalendarError.dayOffIsMakeUpDay(day("2025-02-01"))) {
      try year2025(
        holidays: [("春节", "2025-01-28", "2025-02-04")], makeUpDays: [("2025-02-01", "春节")])
    }
  }

  @Test("overlapping holidays and repeated make-up days are duplicates")
  func duplicates() {
    #expect(throws: CalendarError.duplicateDay(day("2025-10-06"))) {
      try year2025(holidays: [
        ("国庆节", "2025-10-01", "2025-10-07"), ("中秋节", "2025-10-06", "2025-10-08"),
      ])
    }
    #expect(throws: CalendarError.duplicateDay(day("2025-09-28"))) {
      try year2025(
        holidays: [("国庆节", "2025-10-01", "2025-10-08")],
        makeUpDays: [("2025-09-28", "国庆节"), ("2025-09-28", "国庆节")])
    }
  }

  @Test("a make-up day must name one of the holidays")
  func unknownHoliday() {
    #expect(throws: CalendarError.makeUpDayForUnknownHoliday(day("2025-09-28"), holiday: "国庆")) {
      try year2025(
        holidays: [("国庆节", "2025-10-01", "2025-10-08")], makeUpDays: [("2025-09-28", "国庆")])
    }
  }

  @Test("a holiday that ends before it starts")
  func reversedHoliday() {
    #expect(
      throws: CalendarError.holidayEndsBeforeItStarts(
        name: "清明节", firstDay: day("2025-04-06"), lastDay: day("2025-04-04"))
    ) {
      try Holiday(name: "清明节", firstDay: day("2025-04-06"), lastDay: day("2025-04-04"))
    }
  }

  @Test("days off on a weekend are allowed and change nothing")
  func weekendDayOff() throws {
    let arrangement = try year2025(holidays: [("端午节", "2025-05-31", "2025-06-02")])
    #expect(arrangement.holiday(on: day("2025-06-01"))?.name == "端午节")
    let single = Holiday(name: "元旦", on: day("2025-01-01"))
    #expect(single.days == [day("2025-01-01")])
  }

  @Test("one arrangement per year")
  func duplicateYear() {
    #expect(throws: CalendarError.duplicateYear(2025)) {
      try WorkingCalendar(years: [
        StateCouncilArrangements.year2025, StateCouncilArrangements.year2026,
        StateCouncilArrangements.year2025,
      ])
    }
  }

  @Test("hall hours need sessions")
  func noSessions() {
    #expect(throws: CalendarError.noSessions) { try HallHours(sessions: []) }
  }

  @Test("a session must end after it starts")
  func emptySession() {
    #expect(throws: CalendarError.emptySession(start: time("12:00"), end: time("12:00"))) {
      try HallSession(start: time("12:00"), end: time("12:00"))
    }
    #expect(throws: CalendarError.emptySession(start: time("13:00"), end: time("12:00"))) {
      try HallSession(start: time("13:00"), end: time("12:00"))
    }
  }

  @Test("sessions must be ordered and must not overlap")
  func sessionOrder() throws {
    let morning = try HallSession(start: time("09:00"), end: time("12:00"))
    let overlapping = try HallSession(start: time("11:00"), end: time("17:00"))
    let afternoon = try HallSession(start: time("13:00"), end: time("17:00"))
    #expect(throws: CalendarError.sessionsOutOfOrder(morning, overlapping)) {
      try HallHours(sessions: [morning, overlapping])
    }
    #expect(throws: CalendarError.sessionsOutOfOrder(afternoon, morning)) {
      try HallHours(sessions: [afternoon, morning])
    }
    let adjoining = try HallSession(start: time("12:00"), end: time("17:00"))
    let hours = try HallHours(sessions: [morning, adjoining])
    #expect(hours.workingSecondsPerDay == 28_800)
    #expect(hours.opening == time("09:00"))
    #expect(hours.closing == time("17:00"))
  }

  @Test("the standard hall hours")
  func standardHours() {
    #expect(HallHours.standard.description == "09:00-12:00, 13:00-17:00")
    #expect(HallHours.standard.closing == time("17:00"))
    #expect(HallHours.standard.workingSecondsPerDay == 25_200)
  }

  @Test("errors describe themselves")
  func descriptions() {
    #expect(
      CalendarError.makeUpDayNotOnWeekend(day("2025-01-27")).description
        == "make-up working day 2025-01-27 is not a Saturday or Sunday")
    #expect(CalendarError.noSessions.description == "hall hours need at least one session")
  }
}
