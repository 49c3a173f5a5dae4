import Synchronization

extension Duration {
  var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) / 1e18
  }

  var milliseconds: Double { seconds * 1000 }
}

/// Instants on this process's monotonic clock, keyed by an event's aggregate id. Writers
/// and consumer run in one process, so a commit instant and an apply instant compare
/// directly, with no clock skew between machines to correct for.
final class Timeline: Sendable {
  private let instants = Mutex<[String: ContinuousClock.Instant]>([:])

  /// Records `id` at `instant`, replacing an earlier record: an event applied again after a
  /// rolled-back batch counts from its last application, the one that stuck.
  func record(_ id: String, at instant: ContinuousClock.Instant = .now) {
    instants.withLock { $0[id] = instant }
  }

  func contains(_ id: String) -> Bool { instants.withLock { $0[id] != nil } }

  var count: Int { instants.withLock { $0.count } }

  var snapshot: [String: ContinuousClock.Instant] { instants.withLock { $0 } }
}

/// Hands out consecutive numbers to concurrent tasks: writers take the next slot of a shared
/// schedule, so the rate holds however the work spreads over them.
final class Ticket: Sendable {
  private let next = Atomic<Int>(0)

  func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// Polls `condition` until it holds; returns false when `timeout` passed first.
func waitUntil(
  timeout: Duration, every interval: Duration = .milliseconds(10),
  _ condition: () async throws -> Bool
) async throws -> Bool {
  let deadline = ContinuousClock.now + timeout
  while true {
    if try await condition() { return true }
    if ContinuousClock.now >= deadline { return false }
    try await Task.sleep(for: interval)
  }
}
