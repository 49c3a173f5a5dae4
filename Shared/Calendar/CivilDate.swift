/// A day of the civil calendar [日期], independent of any time zone.
///
/// Time limits are decided per calendar day, so the core works on plain year-month-day values
/// and integer day numbers rather than on `Foundation.Calendar`, whose results depend on the
/// time-zone database installed on the machine (often missing in Linux containers).
public struct CivilDate: Sendable, Hashable, Comparable {
  public let year: Int
  public let month: Int
  public let day: Int

  /// The first representable day, 0001-01-01; four-digit years keep `YYYY-MM-DD` unambiguous.
  public static let earliest = CivilDate(validated: 1, 1, 1)
  /// The last representable day, 9999-12-31.
  public static let latest = CivilDate(validated: 9999, 12, 31)

  public init(year: Int, month: Int, day: Int) throws(CalendarError) {
    guard (1...9999).contains(year), (1...12).contains(month),
      (1...Self.daysIn(month: month, year: year)).contains(day)
    else { throw .invalidDate(year: year, month: month, day: day) }
    self.init(validated: year, month, day)
  }

  private init(validated year: Int, _ month: Int, _ day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Days since 1970-01-01 (negative before it); the unit every date calculation uses so that
  /// adding days and counting them is plain integer arithmetic.
  public var dayNumber: Int {
    Self.dayNumber(year: year, month: month, day: day)
  }

  /// The day `dayNumber` days after 1970-01-01.
  ///
  /// - Precondition: the result lies between ``earliest`` and ``latest``.
  public init(dayNumber: Int) {
    precondition(
      (Self.earliest.dayNumber...Self.latest.dayNumber).contains(dayNumber),
      "day number \(dayNumber) is outside 0001-01-01...9999-12-31")
    let civil = Self.civil(fromDayNumber: dayNumber)
    self.init(validated: civil.year, civil.month, civil.day)
  }

  /// ISO 8601 weekday: 1 is Monday, 7 is Sunday, the numbering used in Chinese notices
  /// (星期一 to 星期日).
  public var weekday: Int {
    Self.weekday(ofDayNumber: dayNumber)
  }

  /// Whether the day is a Saturday or a Sunday, the only days that can be make-up working days.
  public var isWeekend: Bool {
    weekday >= 6
  }

  /// The day `days` days later (earlier when negative).
  ///
  /// - Precondition: the result lies between ``earliest`` and ``latest``.
  public func adding(days: Int) -> CivilDate {
    days == 0 ? self : CivilDate(dayNumber: dayNumber + days)
  }

  /// The number of days from `self` to `other` (negative when `other` is earlier).
  public func days(until other: CivilDate) -> Int {
    other.dayNumber - dayNumber
  }

  public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// The length of `month` (1...12) in `year` of the proleptic Gregorian calendar.
  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Gregorian leap-year rule; 2100 is not a leap year, which matters for long spans.
  public static func isLeap(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }
}

// MARK: - Day-number arithmetic (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms")

extension CivilDate {
  static func dayNumber(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  static func civil(fromDayNumber dayNumber: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = dayNumber + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra =
      (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// 1970-01-01 was a Thursday (ISO weekday 4).
  static func weekday(ofDayNumber dayNumber: Int) -> Int {
    floorMod(dayNumber + 3, 7) + 1
  }
}

func floorDiv<T: BinaryInteger>(_ value: T, _ divisor: T) -> T {
  let quotient = value / divisor
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}

func floorMod<T: BinaryInteger>(_ value: T, _ divisor: T) -> T {
  value - floorDiv(value, divisor) * divisor
}

// MARK: - Text and coding

extension CivilDate: TextCoded {
  /// Parses `YYYY-MM-DD`, the form used in notices, configuration and the wire format.
  public init(parsing text: String) throws(CalendarError) {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let year = parseDigits(bytes[0..<4]), let month = parseDigits(bytes[5..<7]),
      let day = parseDigits(bytes[8..<10])
    else { throw .malformedDate(text) }
    try self.init(year: year, month: month, day: day)
  }

  /// `YYYY-MM-DD`.
  public var description: String {
    "\(zeroPadded(year, width: 4))-\(zeroPadded(month, width: 2))-\(zeroPadded(day, width: 2))"
  }
}

func parseDigits(_ bytes: ArraySlice<UInt8>) -> Int? {
  var value = 0
  for byte in bytes {
    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
    value = value * 10 + Int(byte - UInt8(ascii: "0"))
  }
  return value
}

func zeroPadded(_ value: Int, width: Int) -> String {
  let digits = String(value)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
