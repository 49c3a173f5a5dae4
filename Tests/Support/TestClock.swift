public import Foundation
public import HallCalendar
import Synchronization

/// The clock of one test's services: it stands at ``start`` and moves only when the test
/// moves it, so that what a suite expects holds on any day and at any hour it runs.
public final class TestClock: Sendable {
  /// Tuesday 24 November 2026, 10:00 China time: a working day, inside hall hours, with
  /// working days after it in the same arranged year.
  public static let start = Date(timeIntervalSince1970: 1_795_485_600)

  private let instant: Mutex<Date>

  public init(at start: Date = TestClock.start) {
    instant = Mutex(start)
  }

  public var now: Date { instant.withLock { $0 } }

  /// The China-time civil day of ``now``.
  public var today: CivilDate { CivilDate(chinaStandardTimeOf: now) }

  public func advance(by seconds: TimeInterval) {
    instant.withLock { $0 = $0.addingTimeInterval(seconds) }
  }

  /// The clock the services read.
  public var wallClock: WallClock { WallClock { self.now } }
}
