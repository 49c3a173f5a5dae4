/// A public holiday as a run of consecutive days off [放假].
///
/// A notice announces each holiday as one range ("1月28日至2月4日放假调休，共8天"), so the
/// range is kept as published; weekend days inside it are simply days that were never working.
public struct Holiday: Sendable, Hashable, Codable, CustomStringConvertible {
  public let name: String
  public let firstDay: CivilDate
  public let lastDay: CivilDate

  public init(name: String, firstDay: CivilDate, lastDay: CivilDate) throws(CalendarError) {
    guard firstDay <= lastDay else {
      throw .holidayEndsBeforeItStarts(name: name, firstDay: firstDay, lastDay: lastDay)
    }
    self.name = name
    self.firstDay = firstDay
    self.lastDay = lastDay
  }

  /// A one-day holiday, such as 元旦 in most years.
  public init(name: String, on day: CivilDate) {
    self.name = name
    self.firstDay = day
    self.lastDay = day
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let name = try container.decode(String.self, forKey: .name)
    let firstDay = try container.decode(CivilDate.self, forKey: .firstDay)
    let lastDay = try container.decode(CivilDate.self, forKey: .lastDay)
    self = try container.checked(at: .lastDay) {
      try Holiday(name: name, firstDay: firstDay, lastDay: lastDay)
    }
  }

  /// Every day of the holiday, in order.
  public var days: [CivilDate] {
    (firstDay.dayNumber...lastDay.dayNumber).map(CivilDate.init(dayNumber:))
  }

  public func contains(_ date: CivilDate) -> Bool {
    firstDay <= date && date <= lastDay
  }

  public var description: String {
    firstDay == lastDay ? "\(name) \(firstDay)" : "\(name) \(firstDay)...\(lastDay)"
  }
}

/// A Saturday or Sunday worked to make up for a holiday [调休上班].
///
/// The holiday is named because notices attach each make-up day to the holiday it pays for,
/// which lets a reviewer check the data against the notice line by line.
public struct MakeUpDay: Sendable, Hashable, Codable, CustomStringConvertible {
  public let date: CivilDate
  public let holiday: String

  public init(date: CivilDate, holiday: String) {
    self.date = date
    self.holiday = holiday
  }

  public var description: String { "\(date) (\(holiday))" }
}

/// One year's arrangement of public holidays [年度节假日安排], as published by the General
/// Office of the State Council each autumn for the following year.
///
/// The arrangement is data rather than a rule because the dates follow the lunar calendar and
/// are decided anew every year, including which weekends are swapped.
public struct CalendarYear: Sendable, Hashable, Codable {
  public let year: Int
  /// The notice the arrangement comes from, so that the data can be audited.
  public let notice: String
  public let holidays: [Holiday]
  public let makeUpDays: [MakeUpDay]

  /// Checks the arrangement as a whole: every date lies in `year`, no day is listed twice,
  /// no day is both off and worked, and every make-up day is a Saturday or Sunday that names
  /// one of the holidays. A holiday may include weekend days.
  public init(
    year: Int, notice: String, holidays: [Holiday], makeUpDays: [MakeUpDay]
  ) throws(CalendarError) {
    var daysOff: Set<CivilDate> = []
    for holiday in holidays {
      for day in holiday.days {
        guard day.year == year else { throw .dateOutsideYear(day, year: year) }
        guard daysOff.insert(day).inserted else { throw .duplicateDay(day) }
      }
    }
    let holidayNames = Set(holidays.map(\.name))
    var workedDays: Set<CivilDate> = []
    for makeUpDay in makeUpDays {
      let day = makeUpDay.date
      guard day.year == year else { throw .dateOutsideYear(day, year: year) }
      guard day.isWeekend else { throw .makeUpDayNotOnWeekend(day) }
      guard !daysOff.contains(day) else { throw .dayOffIsMakeUpDay(day) }
      guard workedDays.insert(day).inserted else { throw .duplicateDay(day) }
      guard holidayNames.contains(makeUpDay.holiday) else {
        throw .makeUpDayForUnknownHoliday(day, holiday: makeUpDay.holiday)
      }
    }
    self.year = year
    self.notice = notice
    self.holidays = holidays
    self.makeUpDays = makeUpDays
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let year = try container.decode(Int.self, forKey: .year)
    let notice = try container.decode(String.self, forKey: .notice)
    let holidays = try container.decode([Holiday].self, forKey: .holidays)
    let makeUpDays = try container.decode([MakeUpDay].self, forKey: .makeUpDays)
    do {
      try self.init(year: year, notice: notice, holidays: holidays, makeUpDays: makeUpDays)
    } catch {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: decoder.codingPath, debugDescription: error.description,
          underlyingError: error))
    }
  }

  /// The holiday that makes `date` a day off, if any.
  public func holiday(on date: CivilDate) -> Holiday? {
    holidays.first { $0.contains(date) }
  }

  /// The make-up working day on `date`, if any.
  public func makeUpDay(on date: CivilDate) -> MakeUpDay? {
    makeUpDays.first { $0.date == date }
  }
}
