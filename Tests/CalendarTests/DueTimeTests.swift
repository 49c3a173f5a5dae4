import Foundation
import HallCalendar
import Testing

@Suite("CAT-10 due time in working days")
struct DueTimeTests {
  /// (received at, in UTC+8; working days; expected due time, in UTC+8)
  @Test(
    "due times across holidays, make-up days and the closing time",
    arguments: [
      // 春节 2026: 02-13 Fri, 02-14 Sat make-up, 02-15...02-23 off.
      ("2026-02-12 10:00", 1, "2026-02-13 17:00"),
      ("2026-02-12 10:00", 2, "2026-02-14 17:00"),
      ("2026-02-12 10:00", 3, "2026-02-24 17:00"),
      ("2026-02-13 17:00", 1, "2026-02-24 17:00"),
      ("2026-02-26 10:00", 2, "2026-02-28 17:00"),
      // 国庆、中秋 2025: 09-28 Sun make-up, 10-01...10-08 off, 10-11 Sat make-up.
      ("2025-09-26 15:00", 2, "2025-09-29 17:00"),
      ("2025-09-30 10:00", 1, "2025-10-09 17:00"),
      ("2025-09-30 10:00", 3, "2025-10-11 17:00"),
      ("2025-09-30 17:00", 0, "2025-10-09 17:00"),
      // 中秋 and 国庆 2026: 09-20 Sun make-up, 09-25...09-27 off, 10-01...10-07 off,
      // 10-10 Sat make-up.
      ("2026-09-18 10:00", 1, "2026-09-20 17:00"),
      ("2026-09-24 10:00", 1, "2026-09-28 17:00"),
      ("2026-09-30 09:00", 1, "2026-10-08 17:00"),
      ("2026-09-30 09:00", 3, "2026-10-10 17:00"),
      // Year end: 2026-01-01...01-03 off, 01-04 Sun make-up.
      ("2025-12-30 10:00", 5, "2026-01-07 17:00"),
      ("2025-12-31 10:00", 1, "2026-01-04 17:00"),
      ("2025-12-31 10:00", 2, "2026-01-05 17:00"),
      ("2025-12-31 18:00", 0, "2026-01-04 17:00"),
      ("2025-12-31 18:00", 1, "2026-01-05 17:00"),
      // Received on a holiday: the start day is the first working day after it.
      ("2026-02-17 10:00", 0, "2026-02-24 17:00"),
      ("2026-02-17 10:00", 1, "2026-02-25 17:00"),
      ("2025-10-01 08:00", 1, "2025-10-10 17:00"),
      // Received on a make-up Saturday or Sunday: that day is the start day.
      ("2026-02-14 10:00", 0, "2026-02-14 17:00"),
      ("2026-02-14 10:00", 1, "2026-02-24 17:00"),
      ("2026-05-09 10:00", 1, "2026-05-11 17:00"),
      ("2026-01-04 16:59", 0, "2026-01-04 17:00"),
      // Times of day on Wednesday 2026-03-04.
      ("2026-03-04 08:00", 0, "2026-03-04 17:00"),
      ("2026-03-04 12:30", 1, "2026-03-05 17:00"),
      ("2026-03-04 16:59", 0, "2026-03-04 17:00"),
      ("2026-03-04 16:59", 1, "2026-03-05 17:00"),
      ("2026-03-04 16:59:59", 1, "2026-03-05 17:00"),
      ("2026-03-04 17:00", 0, "2026-03-05 17:00"),
      ("2026-03-04 17:00", 1, "2026-03-06 17:00"),
      ("2026-03-04 20:00", 1, "2026-03-06 17:00"),
      // A plain weekend.
      ("2026-03-06 17:00", 1, "2026-03-10 17:00"),
      ("2026-03-07 10:00", 1, "2026-03-10 17:00"),
      ("2026-03-08 10:00", 0, "2026-03-09 17:00"),
      // Long limits: 247 working days are left in 2025 after the start day 2025-01-02.
      ("2025-01-01 10:00", 247, "2025-12-31 17:00"),
      ("2025-01-01 10:00", 248, "2026-01-04 17:00"),
      ("2025-01-01 10:00", 495, "2026-12-31 17:00"),
      ("2025-01-01 10:00", 496, "2027-01-01 17:00"),
    ])
  func dueTimes(received: String, workingDays: Int, due: String) throws {
    #expect(try calendar.dueTime(after: workingDays, from: cst(received)) == cst(due))
  }

  @Test("instants given in UTC are judged by their civil day in UTC+8")
  func utcInstants() throws {
    // 2026-03-02T20:00Z is Tuesday 03-03 04:00 in UTC+8: 03-03 is the start day.
    #expect(
      try calendar.dueTime(after: 1, from: utc("2026-03-02 20:00")) == cst("2026-03-04 17:00"))
    #expect(
      try calendar.dueTime(after: 0, from: utc("2026-03-02 20:00")) == cst("2026-03-03 17:00"))
    #expect(try calendar.startDay(for: utc("2026-03-02 20:00")) == day("2026-03-03"))
    // 09:30Z is 17:30 in UTC+8, after closing, although 09:30 looks like office hours.
    #expect(
      try calendar.dueTime(after: 1, from: utc("2026-03-04 09:30")) == utc("2026-03-06 09:00"))
    // Friday 16:30Z is Saturday 00:30 in UTC+8: the start day is Monday.
    #expect(
      try calendar.dueTime(after: 1, from: utc("2026-03-06 16:30")) == utc("2026-03-10 09:00"))
    // Wednesday 2025-12-31T16:00Z is already 2026-01-01, a holiday.
    #expect(try calendar.startDay(for: utc("2025-12-31 16:00")) == day("2026-01-04"))
    #expect(try calendar.startDay(for: utc("2025-12-31 08:59:59")) == day("2025-12-31"))
  }

  @Test("a negative time limit is rejected")
  func negativeLimit() {
    #expect(throws: CalendarError.negativeWorkingDays(-1)) {
      try calendar.dueTime(after: -1, from: cst("2026-03-04 10:00"))
    }
  }

  @Test("long limits are computed without walking seconds")
  func longLimits() throws {
    let start = cst("2025-03-03 09:30")
    let due = try calendar.dueTime(after: 400, from: start)
    #expect(calendar.workingDaysElapsed(from: start, to: due) == 400)
    #expect(throws: CalendarError.beyondSupportedRange) {
      try calendar.dueTime(after: 10_000_000, from: start)
    }
  }

  @Test("working days elapsed")
  func elapsed() {
    let start = cst("2026-02-12 10:00")
    #expect(calendar.workingDaysElapsed(from: start, to: start) == 0)
    #expect(calendar.workingDaysElapsed(from: start, to: cst("2026-02-11 10:00")) == 0)
    #expect(calendar.workingDaysElapsed(from: start, to: cst("2026-02-12 17:00")) == 0)
    #expect(calendar.workingDaysElapsed(from: start, to: cst("2026-02-13 17:00")) == 1)
    #expect(calendar.workingDaysElapsed(from: start, to: cst("2026-02-24 16:59:59")) == 2)
    #expect(calendar.workingDaysElapsed(from: start, to: cst("2026-02-24 17:00")) == 3)
    #expect(
      calendar.workingDaysElapsed(from: cst("2024-12-31 10:00"), to: cst("2027-01-01 00:00"))
        == 496)
    #expect(
      calendar.workingDaysElapsed(from: cst("2024-12-31 17:00"), to: cst("2027-01-01 00:00"))
        == 495)
  }

  @Test("the closing time follows the configured hall hours")
  func customHours() throws {
    let hours = try HallHours(sessions: [
      HallSession(start: time("08:30"), end: time("11:30")),
      HallSession(start: time("13:30"), end: time("18:00")),
    ])
    let late = try WorkingCalendar(years: StateCouncilArrangements.all, hours: hours)
    #expect(late.workingSecondsPerDay == 27_000)
    #expect(try late.dueTime(after: 0, from: cst("2026-03-04 17:30")) == cst("2026-03-04 18:00"))
    #expect(try late.dueTime(after: 1, from: cst("2026-03-04 18:00")) == cst("2026-03-06 18:00"))
    #expect(
      late.workingDaysElapsed(from: cst("2026-03-04 17:30"), to: cst("2026-03-05 18:00")) == 1)
  }
}
