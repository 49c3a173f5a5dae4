import Foundation
import HallCalendar
import Testing

@Suite("CAT-10 due time and working days elapsed agree")
struct AgreementTests {
  private static let receptionTimes = ["08:00", "09:00", "12:30", "16:59", "17:00", "20:00"]

  /// For n ≥ 1, `dueTime(n) <= b` iff `elapsed(b) >= n`; since elapsed never decreases in b,
  /// this is equivalent to elapsed being exactly n at the due time and n − 1 one second before.
  @Test("exhaustively over 2025 and 2026, six times a day, 0...30 working days")
  func exhaustive() throws {
    var failures: [String] = []
    for (year, month, dayOfMonth) in allDays(of: 2025...2026) {
      for clock in Self.receptionTimes {
        let received = cst("\(isoText(year, month, dayOfMonth)) \(clock)")
        for limit in 0...30 {
          let due = try calendar.dueTime(after: limit, from: received)
          let atDue = calendar.workingDaysElapsed(from: received, to: due)
          let before = calendar.workingDaysElapsed(
            from: received, to: due.addingTimeInterval(-1))
          let agrees =
            limit == 0
            ? due > received && atDue == 0
            : atDue == limit && before == limit - 1
          if !agrees {
            failures.append("\(isoText(year, month, dayOfMonth)) \(clock) n=\(limit)")
          }
        }
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(20))")
  }

  /// The iff stated directly, for end instants every hour over the following 40 days around
  /// the holidays where the two functions are most likely to drift apart.
  @Test(
    "dueTime(n) <= end iff elapsed >= n, hour by hour",
    arguments: ["2025-09-20", "2025-12-24", "2026-02-05", "2026-04-28", "2026-09-15"])
  func iffHourByHour(firstDay: String) throws {
    var failures: [String] = []
    for offset in 0..<16 {
      for clock in Self.receptionTimes {
        let received = cst("\(day(firstDay).adding(days: offset)) \(clock)")
        let dues = try (1...30).map { try calendar.dueTime(after: $0, from: received) }
        for hour in 0..<(40 * 24) {
          let end = received.addingTimeInterval(TimeInterval(hour * 3600))
          let elapsed = calendar.workingDaysElapsed(from: received, to: end)
          for (index, due) in dues.enumerated() where (due <= end) != (elapsed >= index + 1) {
            failures.append("\(received) → \(end) n=\(index + 1)")
          }
        }
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(20))")
  }
}
