/// A wall-clock time in China Standard Time, as minutes since midnight.
///
/// Minutes are the finest unit a hall's opening hours are published in; `24:00` is allowed so
/// that a session can run to the end of the day.
public struct TimeOfDay: Sendable, Hashable, Comparable {
  public let minutes: Int

  public init(hour: Int, minute: Int = 0) throws(CalendarError) {
    guard (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440 else {
      throw .invalidTimeOfDay(hour: hour, minute: minute)
    }
    self.minutes = hour * 60 + minute
  }

  init(validatedMinutes minutes: Int) {
    self.minutes = minutes
  }

  public var hour: Int { minutes / 60 }
  public var minute: Int { minutes % 60 }

  /// Seconds since midnight, the unit of the integer core.
  var seconds: Int64 { Int64(minutes) * 60 }

  public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
    lhs.minutes < rhs.minutes
  }
}

extension TimeOfDay: TextCoded {
  /// Parses `HH:MM`, the form in which opening hours are configured.
  public init(parsing text: String) throws(CalendarError) {
    let bytes = Array(text.utf8)
    guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
      let hour = parseDigits(bytes[0..<2]), let minute = parseDigits(bytes[3..<5])
    else { throw .malformedTimeOfDay(text) }
    try self.init(hour: hour, minute: minute)
  }

  /// `HH:MM`.
  public var description: String {
    "\(zeroPadded(hour, width: 2)):\(zeroPadded(minute, width: 2))"
  }
}

/// One opening period of the hall [办公时段], such as the morning session 9:00–12:00.
///
/// Sessions exist so that the lunch break does not count as working time when pauses
/// (suspensions of a time limit) are measured in seconds.
public struct HallSession: Sendable, Hashable, Codable, CustomStringConvertible {
  public let start: TimeOfDay
  public let end: TimeOfDay

  public init(start: TimeOfDay, end: TimeOfDay) throws(CalendarError) {
    guard start < end else { throw .emptySession(start: start, end: end) }
    self.start = start
    self.end = end
  }

  init(validatedStart start: Int, end: Int) {
    self.start = TimeOfDay(validatedMinutes: start)
    self.end = TimeOfDay(validatedMinutes: end)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let start = try container.decode(TimeOfDay.self, forKey: .start)
    let end = try container.decode(TimeOfDay.self, forKey: .end)
    self = try container.checked(at: .end) { try HallSession(start: start, end: end) }
  }

  /// `HH:MM-HH:MM`.
  public var description: String { "\(start)-\(end)" }

  var seconds: Int64 { end.seconds - start.seconds }
}

/// The opening hours of a service hall [办公时间]: ordered, non-overlapping sessions that are
/// the same on every working day.
///
/// The closing time decides whether an application still starts its time limit today, and the
/// sessions measure working time for pause ledgers.
public struct HallHours: Sendable, Hashable, Codable, CustomStringConvertible {
  public let sessions: [HallSession]

  /// The usual hours of a government service hall: 9:00–12:00 and 13:00–17:00.
  public static let standard = HallHours(
    validated: [
      HallSession(validatedStart: 9 * 60, end: 12 * 60),
      HallSession(validatedStart: 13 * 60, end: 17 * 60),
    ])

  public init(sessions: [HallSession]) throws(CalendarError) {
    guard !sessions.isEmpty else { throw .noSessions }
    for (earlier, later) in zip(sessions, sessions.dropFirst()) where later.start < earlier.end {
      throw .sessionsOutOfOrder(earlier, later)
    }
    self.init(validated: sessions)
  }

  private init(validated sessions: [HallSession]) {
    self.sessions = sessions
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let sessions = try container.decode([HallSession].self, forKey: .sessions)
    self = try container.checked(at: .sessions) { try HallHours(sessions: sessions) }
  }

  /// When the first session starts.
  public var opening: TimeOfDay { sessions[0].start }

  /// When the last session ends: applications received later start counting on the next
  /// working day, and every time limit expires at this time.
  public var closing: TimeOfDay { sessions[sessions.count - 1].end }

  /// Working seconds in one working day (25 200 for the standard hours).
  public var workingSecondsPerDay: Int64 {
    sessions.reduce(0) { $0 + $1.seconds }
  }

  public var description: String {
    sessions.map(\.description).joined(separator: ", ")
  }

  /// Working seconds of a working day that have passed at `secondOfDay` seconds after midnight.
  func sessionSeconds(before secondOfDay: Int64) -> Int64 {
    var total: Int64 = 0
    for session in sessions {
      total += min(max(secondOfDay - session.start.seconds, 0), session.seconds)
    }
    return total
  }

  /// The earliest second of the day at which `sessionSeconds` working seconds have passed.
  ///
  /// - Precondition: `0 < sessionSeconds <= workingSecondsPerDay`.
  func secondOfDay(afterSessionSeconds sessionSeconds: Int64) -> Int64 {
    var remaining = sessionSeconds
    for session in sessions {
      if remaining <= session.seconds {
        return session.start.seconds + remaining
      }
      remaining -= session.seconds
    }
    preconditionFailure("\(sessionSeconds) s exceed the working seconds of a day")
  }
}
