#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

/// The instant "now" as a service sees it.
///
/// Every date a service stamps or compares against (a receipt, a due time, a card, the 17:00
/// cut-off, "today") is read through the clock it was given, never from `Date()`: tests fix
/// it so that a suite green today is green next month at any hour, and a training hall can
/// run on a day of its choosing. Token lifetimes are not business time and stay on the
/// machine's clock, against which tokens are minted.
public struct WallClock: Sendable {
  private let read: @Sendable () -> Date

  public init(_ read: @escaping @Sendable () -> Date) {
    self.read = read
  }

  public var now: Date { read() }

  /// The machine's clock: production.
  public static let system = WallClock { Date() }

  /// The machine's clock moved by `seconds`: a training hall that lives on another day, or
  /// the executables of an end-to-end test. Every process given the same offset reads the same
  /// instant, restarts included.
  public static func offset(by seconds: Int64) -> WallClock {
    WallClock { Date().addingTimeInterval(TimeInterval(seconds)) }
  }

  /// The China-time civil day of ``now``.
  public var today: CivilDate { CivilDate(chinaStandardTimeOf: now) }
}
