#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

/// The working-day calendar of a service hall [工作日历]: Monday to Friday, minus the statutory
/// days off, plus the make-up working days, with the hall's opening hours.
///
/// Every time limit on the platform is a number of working days, so all services must agree on
/// this one calendar. It is an immutable value: the working days of each arranged year are
/// computed once, and counting over long spans uses prefix sums instead of walking the days.
/// A year without an arrangement falls back to plain Monday to Friday; ``isDefined(year:)``
/// lets callers mark such results as provisional.
public struct WorkingCalendar: Sendable {
  /// The arrangements, ordered by year.
  public let years: [CalendarYear]
  public let hours: HallHours
  private let tables: [YearTable]

  /// Throws ``CalendarError/duplicateYear(_:)`` when two arrangements cover the same year.
  public init(years: [CalendarYear], hours: HallHours = .standard) throws(CalendarError) {
    let sorted = years.sorted { $0.year < $1.year }
    for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.year == later.year {
      throw .duplicateYear(later.year)
    }
    self.years = sorted
    self.hours = hours
    self.tables = sorted.map(YearTable.init)
  }

  /// The State Council arrangements shipped with the library and the standard hall hours.
  public static let stateCouncil: WorkingCalendar = {
    do {
      return try WorkingCalendar(years: StateCouncilArrangements.all)
    } catch {
      fatalError("invalid shipped arrangements: \(error)")
    }
  }()

  /// Whether `year` has an arrangement; otherwise results for it assume plain Monday to Friday
  /// and may change once the year's notice is published.
  public func isDefined(year: Int) -> Bool {
    tables.contains { $0.year == year }
  }

  /// Working seconds in one working day, the unit pause ledgers convert days into.
  public var workingSecondsPerDay: Int64 { hours.workingSecondsPerDay }
}

extension WorkingCalendar: Hashable {
  public static func == (lhs: WorkingCalendar, rhs: WorkingCalendar) -> Bool {
    lhs.years == rhs.years && lhs.hours == rhs.hours
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(years)
    hasher.combine(hours)
  }
}

extension WorkingCalendar: Codable {
  private enum CodingKeys: String, CodingKey {
    case years, hours
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let years = try container.decode([CalendarYear].self, forKey: .years)
    let hours = try container.decode(HallHours.self, forKey: .hours)
    self = try container.checked(at: .years) { try WorkingCalendar(years: years, hours: hours) }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(years, forKey: .years)
    try container.encode(hours, forKey: .hours)
  }
}

// MARK: - Working days

extension WorkingCalendar {
  public func isWorkingDay(_ date: CivilDate) -> Bool {
    isWorking(date.dayNumber)
  }

  /// `date` itself if it is a working day, otherwise the next one.
  ///
  /// - Precondition: the result lies before ``CivilDate/latest``.
  public func nextWorkingDay(onOrAfter date: CivilDate) -> CivilDate {
    isWorkingDay(date) ? date : nextWorkingDay(after: date)
  }

  /// The first working day after `date`.
  ///
  /// - Precondition: the result lies before ``CivilDate/latest``.
  public func nextWorkingDay(after date: CivilDate) -> CivilDate {
    guard let day = workingDay(number: 1, after: date.dayNumber) else {
      preconditionFailure("no working day after \(date) before 9999-12-31")
    }
    return CivilDate(dayNumber: day)
  }

  /// The last working day before `date`.
  ///
  /// - Precondition: the result lies after ``CivilDate/earliest``.
  public func previousWorkingDay(before date: CivilDate) -> CivilDate {
    var day = date.dayNumber - 1
    while !isWorking(day) {
      day -= 1
    }
    return CivilDate(dayNumber: day)
  }

  /// The number of working days from `start` through `end`, both included; 0 when `end` is
  /// before `start`.
  public func workingDays(from start: CivilDate, through end: CivilDate) -> Int {
    end < start ? 0 : workingDayCount(from: start.dayNumber, upTo: end.dayNumber + 1)
  }
}

// MARK: - Time limits

extension WorkingCalendar {
  /// The day from which a time limit for an application received at `instant` is counted.
  ///
  /// It is the instant's day in China Standard Time if that is a working day and the instant
  /// is before the closing time; otherwise the next working day, because an application handed
  /// in on a Sunday or after closing is only dealt with then.
  public func startDay(for instant: Date) throws(CalendarError) -> CivilDate {
    guard let day = startDayNumber(ChinaStandardTime.seconds(of: instant)) else {
      throw .beyondSupportedRange
    }
    return CivilDate(dayNumber: day)
  }

  /// When a time limit of `workingDays` working days expires for an application received at
  /// `instant`.
  ///
  /// The rule: the start day is the instant's civil date (UTC+8) if that is a working day and
  /// the instant is before the closing time, otherwise the next working day (an application
  /// received on a Sunday or after 17:00 starts on the next working day). The start day itself
  /// is not counted (行政许可法: 期间开始之日不计算在内). The limit expires at the closing time
  /// of the `workingDays`-th working day after the start day; for 0 days (an on-the-spot item,
  /// 即办件) it expires at the closing time of the start day itself.
  ///
  /// Throws ``CalendarError/negativeWorkingDays(_:)`` for a negative count and
  /// ``CalendarError/beyondSupportedRange`` when the day would fall after 9999-12-31.
  public func dueTime(after workingDays: Int, from instant: Date) throws(CalendarError) -> Date {
    guard workingDays >= 0 else { throw .negativeWorkingDays(workingDays) }
    guard let start = startDayNumber(ChinaStandardTime.seconds(of: instant)),
      let due = workingDays == 0 ? start : workingDay(number: workingDays, after: start)
    else { throw .beyondSupportedRange }
    return ChinaStandardTime.date(seconds: closingInstant(of: due))
  }

  /// How many working days of a time limit have been used up at `end` for an application
  /// received at `start`: the working days after the start day (see ``dueTime(after:from:)``)
  /// whose closing time is at or before `end`; 0 when `end` is not after `start`.
  ///
  /// It is the inverse of ``dueTime(after:from:)``: for every n ≥ 1,
  /// `dueTime(after: n, from: start) <= end` exactly when the result is at least n.
  public func workingDaysElapsed(from start: Date, to end: Date) -> Int {
    let startSeconds = ChinaStandardTime.seconds(of: start)
    let endSeconds = ChinaStandardTime.seconds(of: end)
    guard endSeconds > startSeconds, let startDay = startDayNumber(startSeconds) else { return 0 }
    let lastClosedDay = Int(
      floorDiv(
        endSeconds + ChinaStandardTime.offsetSeconds - hours.closing.seconds,
        ChinaStandardTime.secondsPerDay))
    guard lastClosedDay > startDay else { return 0 }
    return workingDayCount(from: startDay + 1, upTo: lastClosedDay + 1)
  }
}

// MARK: - Working time

extension WorkingCalendar {
  /// The seconds between `start` and `end` that lie inside the hall sessions of working days;
  /// 0 when `end` is not after `start`.
  ///
  /// Pause ledgers measure suspensions in working time so that a pause over a weekend or a
  /// lunch break does not extend a time limit. Instants are truncated to whole seconds.
  public func workingSeconds(from start: Date, to end: Date) -> Int64 {
    let startSeconds = ChinaStandardTime.seconds(of: start)
    let endSeconds = ChinaStandardTime.seconds(of: end)
    guard endSeconds > startSeconds else { return 0 }
    let (startDay, startSecond) = ChinaStandardTime.local(startSeconds)
    let (endDay, endSecond) = ChinaStandardTime.local(endSeconds)
    let wholeDays = Int64(workingDayCount(from: startDay, upTo: endDay))
    return wholeDays * workingSecondsPerDay + sessionSeconds(endDay, before: endSecond)
      - sessionSeconds(startDay, before: startSecond)
  }

  /// The earliest instant `t` not before `start` with `workingSeconds(from: start, to: t)`
  /// equal to `seconds`; `start` itself for 0.
  ///
  /// Because it is the earliest such instant, a span that ends exactly when a session closes
  /// ends at the closing time (12:00), not when the next session opens (13:00).
  ///
  /// Throws ``CalendarError/negativeWorkingSeconds(_:)`` for a negative amount and
  /// ``CalendarError/beyondSupportedRange`` when the result would fall after 9999-12-31.
  public func instant(addingWorkingSeconds seconds: Int64, to start: Date) throws(CalendarError)
    -> Date
  {
    guard seconds >= 0 else { throw .negativeWorkingSeconds(seconds) }
    guard seconds > 0 else { return start }
    let perDay = workingSecondsPerDay
    let (day, secondOfDay) = ChinaStandardTime.local(ChinaStandardTime.seconds(of: start))
    var remaining = seconds
    if isWorking(day) {
      let used = hours.sessionSeconds(before: secondOfDay)
      if remaining <= perDay - used {
        return instant(day: day, afterSessionSeconds: used + remaining)
      }
      remaining -= perDay - used
    }
    let (fullDays, rest) = (remaining - 1).quotientAndRemainder(dividingBy: perDay)
    guard fullDays < Int64(CivilDate.latest.dayNumber - day),
      let target = workingDay(number: Int(fullDays) + 1, after: day)
    else { throw .beyondSupportedRange }
    return instant(day: target, afterSessionSeconds: rest + 1)
  }
}

// MARK: - Integer core

extension WorkingCalendar {
  /// Working days of each arranged year, with prefix sums of how the arrangement differs from
  /// plain Monday to Friday, so that counting over any span touches each arranged year once.
  private struct YearTable: Sendable {
    let year: Int
    let firstDay: Int
    let working: [Bool]
    /// `adjustment[i]`: working days minus Monday-to-Friday days among the year's first i days.
    let adjustment: [Int]

    init(_ arrangement: CalendarYear) {
      year = arrangement.year
      firstDay = CivilDate.dayNumber(year: year, month: 1, day: 1)
      let length = CivilDate.isLeap(year) ? 366 : 365
      let daysOff = Set(arrangement.holidays.flatMap(\.days).map(\.dayNumber))
      let makeUpDays = Set(arrangement.makeUpDays.map(\.date.dayNumber))
      var working: [Bool] = []
      var adjustment = [0]
      working.reserveCapacity(length)
      adjustment.reserveCapacity(length + 1)
      for day in firstDay..<firstDay + length {
        let weekday = CivilDate.weekday(ofDayNumber: day) <= 5
        let isWorking = makeUpDays.contains(day) || (weekday && !daysOff.contains(day))
        working.append(isWorking)
        adjustment.append(
          adjustment[adjustment.count - 1] + (isWorking ? 1 : 0) - (weekday ? 1 : 0))
      }
      self.working = working
      self.adjustment = adjustment
    }

    func adjustment(from start: Int, upTo end: Int) -> Int {
      let length = working.count
      let lower = min(max(start - firstDay, 0), length)
      let upper = min(max(end - firstDay, 0), length)
      return adjustment[upper] - adjustment[lower]
    }
  }

  private func isWorking(_ day: Int) -> Bool {
    for table in tables where day >= table.firstDay && day - table.firstDay < table.working.count {
      return table.working[day - table.firstDay]
    }
    return CivilDate.weekday(ofDayNumber: day) <= 5
  }

  /// Working days among day numbers `start..<end` (`start <= end`).
  private func workingDayCount(from start: Int, upTo end: Int) -> Int {
    var count = Self.weekdaysBefore(end) - Self.weekdaysBefore(start)
    for table in tables {
      count += table.adjustment(from: start, upTo: end)
    }
    return count
  }

  /// Monday-to-Friday days from Monday 1969-12-29 (day -3) up to `day`, negative before it;
  /// only differences are meaningful.
  private static func weekdaysBefore(_ day: Int) -> Int {
    let (weeks, rest) = (floorDiv(day + 3, 7), floorMod(day + 3, 7))
    return weeks * 5 + min(rest, 5)
  }

  /// The `number`-th working day after `day` (`number >= 1`), or nil after 9999-12-31.
  ///
  /// Found by exponential then binary search over the prefix counts, so a limit of hundreds of
  /// days or an amount of years of working seconds costs a few dozen counts.
  private func workingDay(number: Int, after day: Int) -> Int? {
    let last = CivilDate.latest.dayNumber
    guard day < last, number <= last - day,
      workingDayCount(from: day + 1, upTo: last + 1) >= number
    else { return nil }
    var below = day
    var step = number + number / 2 + 7
    var above = min(day + step, last)
    while workingDayCount(from: day + 1, upTo: above + 1) < number {
      below = above
      step *= 2
      above = min(day + step, last)
    }
    while above - below > 1 {
      let middle = below + (above - below) / 2
      if workingDayCount(from: day + 1, upTo: middle + 1) >= number {
        above = middle
      } else {
        below = middle
      }
    }
    return above
  }

  /// See ``startDay(for:)``; nil when no working day follows before 9999-12-31.
  private func startDayNumber(_ seconds: Int64) -> Int? {
    let (day, secondOfDay) = ChinaStandardTime.local(seconds)
    if isWorking(day) && secondOfDay < hours.closing.seconds {
      return day
    }
    return workingDay(number: 1, after: day)
  }

  private func closingInstant(of day: Int) -> Int64 {
    ChinaStandardTime.startOfDay(day) + hours.closing.seconds
  }

  private func sessionSeconds(_ day: Int, before secondOfDay: Int64) -> Int64 {
    isWorking(day) ? hours.sessionSeconds(before: secondOfDay) : 0
  }

  private func instant(day: Int, afterSessionSeconds seconds: Int64) -> Date {
    ChinaStandardTime.date(
      seconds: ChinaStandardTime.startOfDay(day)
        + hours.secondOfDay(afterSessionSeconds: seconds))
  }
}
