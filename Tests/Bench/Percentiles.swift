/// Nearest-rank percentiles of a sample: every figure reported is a value some event
/// actually had, never an interpolation between two, so "p99 = 12 ms" means 99 % of the
/// events took at most 12 ms.
struct Percentiles: Sendable, Equatable {
  let sorted: [Double]

  init(_ values: some Sequence<Double>) {
    sorted = values.sorted()
  }

  var count: Int { sorted.count }
  var isEmpty: Bool { sorted.isEmpty }
  var min: Double? { sorted.first }
  var max: Double? { sorted.last }

  var mean: Double? {
    sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
  }

  /// The smallest value with at least `percent` % of the sample at or below it.
  func value(at percent: Double) -> Double? {
    guard !sorted.isEmpty else { return nil }
    let clamped = Swift.min(Swift.max(percent, 0), 100)
    let rank = Int((clamped / 100 * Double(sorted.count)).rounded(.up))
    return sorted[Swift.max(rank, 1) - 1]
  }
}
