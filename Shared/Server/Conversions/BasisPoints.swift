/// Rates in the contracts are basis points (1/100 of a percent, 10 000 = 100 %), rounded
/// half up to the nearest point, the same in every service: 2 of 3 is 6667.
public enum BasisPoints {
  /// `part` / `whole`, or `whenNone` when there is nothing to measure.
  public static func of(_ part: Int64, _ whole: Int64, whenNone: Int32) -> Int32 {
    whole <= 0 ? whenNone : Int32(clamping: (part * 10_000 + whole / 2) / whole)
  }
}
