/// The values one numeric field of the contract may take (REL-3): every number that comes in
/// is checked against its range before a handler sees it.
public enum FieldRange: Sendable {
  case integer(ClosedRange<Int64>)
  /// A finite real number in the range.
  case real(ClosedRange<Double>)

  func contains(_ value: Int64) -> Bool {
    switch self {
    case .integer(let range): range.contains(value)
    case .real(let range): range.contains(Double(value))
    }
  }

  func contains(_ value: Double) -> Bool {
    switch self {
    case .integer(let range):
      value.isFinite && value.rounded() == value && Double(range.lowerBound) <= value
        && value <= Double(range.upperBound)
    case .real(let range): value.isFinite && range.contains(value)
    }
  }

  var text: String {
    switch self {
    case .integer(let range): "\(range.lowerBound) to \(range.upperBound)"
    case .real(let range): "a finite number from \(range.lowerBound) to \(range.upperBound)"
    }
  }
}
