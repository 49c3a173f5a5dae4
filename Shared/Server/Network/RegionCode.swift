/// An administrative division code (GB/T 2260; a township's, GB/T 10114, has nine digits):
/// the province in the first two digits, the city in the next two, the county or district in
/// the next two. A city's code ends in 00, a province's in 0000.
public struct RegionCode: Sendable, Hashable, CustomStringConvertible {
  public let digits: String

  /// Refuses anything but six or nine ASCII digits.
  public init?(_ text: String) {
    guard text.count == 6 || text.count == 9, text.allSatisfy({ $0.isASCII && $0.isNumber })
    else { return nil }
    digits = text
  }

  public var description: String { digits }

  /// The part that names this division, without the zeros that stand for "all of it":
  /// "41" for Henan, "4109" for Puyang, "410902" for Hualong district.
  var stem: Substring {
    guard digits.count == 6 else { return Substring(digits) }
    if digits.hasSuffix("0000") { return digits.prefix(2) }
    if digits.hasSuffix("00") { return digits.prefix(4) }
    return Substring(digits)
  }

  /// Whether `other` is a division inside this one (not this one itself).
  public func contains(_ other: RegionCode) -> Bool {
    other != self && other.digits.hasPrefix(stem) && other.stem.count > stem.count
  }
}
