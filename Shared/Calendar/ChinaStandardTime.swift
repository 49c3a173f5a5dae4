#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

/// China Standard Time: UTC+8 all year, without daylight saving since 1991.
///
/// The offset is a constant so that no time-zone database is consulted; containers often ship
/// without tzdata, and a missing zone would silently turn into UTC and shift every deadline.
enum ChinaStandardTime {
  static let offsetSeconds: Int64 = 8 * 3600
  static let secondsPerDay: Int64 = 86_400

  /// Whole seconds since 1970-01-01T00:00:00Z; sub-second parts are dropped.
  static func seconds(of date: Date) -> Int64 {
    Int64(date.timeIntervalSince1970.rounded(.down))
  }

  static func date(seconds: Int64) -> Date {
    Date(timeIntervalSince1970: TimeInterval(seconds))
  }

  /// The civil day number and the second within that day of an instant, in UTC+8.
  static func local(_ seconds: Int64) -> (dayNumber: Int, secondOfDay: Int64) {
    let local = seconds + offsetSeconds
    let day = floorDiv(local, secondsPerDay)
    return (Int(day), local - day * secondsPerDay)
  }

  /// The instant at which civil day `dayNumber` starts in UTC+8.
  static func startOfDay(_ dayNumber: Int) -> Int64 {
    Int64(dayNumber) * secondsPerDay - offsetSeconds
  }
}

extension CivilDate {
  /// The day in China Standard Time on which `instant` falls.
  ///
  /// - Precondition: the day lies between ``earliest`` and ``latest``.
  public init(chinaStandardTimeOf instant: Date) {
    self.init(dayNumber: ChinaStandardTime.local(ChinaStandardTime.seconds(of: instant)).dayNumber)
  }

  /// The instant at which this day reaches `time` in China Standard Time.
  public func instant(at time: TimeOfDay) -> Date {
    ChinaStandardTime.date(seconds: ChinaStandardTime.startOfDay(dayNumber) + time.seconds)
  }
}
