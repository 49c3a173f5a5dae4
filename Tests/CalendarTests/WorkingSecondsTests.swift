import Foundation
import HallCalendar
import Testing

@Suite("CAT-10 working seconds for pause ledgers")
struct WorkingSecondsTests {
  @Test(
    "known spans",
    arguments: [
      ("2026-03-04 09:00", "2026-03-04 17:00", 25_200),
      ("2026-03-04 00:00", "2026-03-05 00:00", 25_200),
      ("2026-03-04 11:30", "2026-03-04 13:30", 3600),
      ("2026-03-04 12:10", "2026-03-04 12:50", 0),
      ("2026-03-04 16:59:59", "2026-03-04 17:00", 1),
      // Friday 16:00 to Monday 10:00 over a plain weekend.
      ("2026-03-06 16:00", "2026-03-09 10:00", 7200),
      // 春节 2026: Friday 16:00, the make-up Saturday 02-14 in full, then Tuesday 02-24 10:00.
      ("2026-02-13 16:00", "2026-02-24 10:00", 32_400),
      ("2026-02-15 10:00", "2026-02-23 16:00", 0),
      ("2025-01-01 00:00", "2026-01-01 00:00", 248 * 25_200),
      ("2026-03-04 10:00", "2026-03-04 09:00", 0),
    ])
  func knownSpans(from: String, to: String, seconds: Int64) {
    #expect(calendar.workingSeconds(from: cst(from), to: cst(to)) == seconds)
  }

  @Test(
    "adding working seconds lands on the earliest instant",
    arguments: [
      ("2026-03-04 10:00", 7200, "2026-03-04 12:00"),
      ("2026-03-04 10:00", 7201, "2026-03-04 13:00:01"),
      ("2026-03-04 10:00", 10_800, "2026-03-04 14:00"),
      ("2026-03-04 12:30", 1, "2026-03-04 13:00:01"),
      ("2026-03-04 08:00", 25_200, "2026-03-04 17:00"),
      ("2026-03-04 17:00", 1, "2026-03-05 09:00:01"),
      ("2026-03-06 16:00", 3600, "2026-03-06 17:00"),
      ("2026-03-06 16:00", 25_200, "2026-03-09 16:00"),
      ("2026-02-13 16:00", 32_400, "2026-02-24 10:00"),
      ("2026-02-17 10:00", 1, "2026-02-24 09:00:01"),
      ("2026-02-14 16:00", 3601, "2026-02-24 09:00:01"),
    ])
  func adding(from: String, seconds: Int64, expected: String) throws {
    #expect(try calendar.instant(addingWorkingSeconds: seconds, to: cst(from)) == cst(expected))
  }

  @Test("adding nothing returns the start unchanged; negative amounts are rejected")
  func edges() throws {
    let start = Date(timeIntervalSince1970: 1_772_590_000.25)
    #expect(try calendar.instant(addingWorkingSeconds: 0, to: start) == start)
    #expect(throws: CalendarError.negativeWorkingSeconds(-5)) {
      try calendar.instant(addingWorkingSeconds: -5, to: start)
    }
    #expect(throws: CalendarError.beyondSupportedRange) {
      try calendar.instant(addingWorkingSeconds: .max, to: start)
    }
    #expect(calendar.workingSecondsPerDay == 25_200)
  }

  @Test("workingSeconds(a, instant(adding: s, to: a)) == s, and one second earlier is s - 1")
  func roundTrip() throws {
    let clocks = ["08:00", "09:00", "11:59:30", "12:00", "12:30", "16:59", "17:00", "20:00"]
    let amounts: [Int64] = [1, 59, 3600, 10_800, 10_801, 25_199, 25_200, 25_201, 100_000, 756_017]
    var failures: [String] = []
    for (year, month, dayOfMonth) in allDays(of: 2025...2026) {
      for clock in clocks {
        let start = cst("\(isoText(year, month, dayOfMonth)) \(clock)")
        for amount in amounts {
          let end = try calendar.instant(addingWorkingSeconds: amount, to: start)
          if end < start || calendar.workingSeconds(from: start, to: end) != amount
            || calendar.workingSeconds(from: start, to: end.addingTimeInterval(-1)) != amount - 1
          {
            failures.append("\(isoText(year, month, dayOfMonth)) \(clock) +\(amount)")
          }
        }
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(20))")
  }

  /// Minute-by-minute recount around 春节 2026 from the literal hall hours, against
  /// deterministic pseudo-random pairs of instants.
  @Test("agrees with a minute-by-minute recount")
  func minuteRecount() {
    let firstDay = day("2026-02-08")
    let minutes = 24 * 1440
    var prefix = [0]
    for minute in 0..<minutes {
      let date = firstDay.adding(days: minute / 1440)
      let minuteOfDay = minute % 1440
      let inSession = (540..<720).contains(minuteOfDay) || (780..<1020).contains(minuteOfDay)
      prefix.append(prefix[minute] + (calendar.isWorkingDay(date) && inSession ? 1 : 0))
    }
    let origin = cst("\(firstDay) 00:00")
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    var failures: [String] = []
    for _ in 0..<3000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let first = Int(state >> 33) % (minutes + 1)
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let second = Int(state >> 33) % (minutes + 1)
      let (low, high) = (min(first, second), max(first, second))
      let seconds = calendar.workingSeconds(
        from: origin.addingTimeInterval(TimeInterval(low * 60)),
        to: origin.addingTimeInterval(TimeInterval(high * 60)))
      if seconds != Int64(prefix[high] - prefix[low]) * 60 {
        failures.append("\(low)...\(high)")
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(20))")
  }
}
