public import Testing

/// Waits until `condition` holds, recording an issue and throwing after `seconds`: tests of
/// what other tasks or services do in the background poll instead of sleeping a fixed time.
public func eventually(
  seconds: Double, sourceLocation: SourceLocation = #_sourceLocation,
  _ condition: () async throws -> Bool
) async throws {
  _ = try await eventually(seconds: seconds, sourceLocation: sourceLocation) {
    try await condition() ? true : nil
  }
}

/// Waits until `found` finds something, and returns it; as above after `seconds`.
public func eventually<Found>(
  seconds: Double, sourceLocation: SourceLocation = #_sourceLocation,
  _ found: () async throws -> Found?
) async throws -> Found {
  let deadline = ContinuousClock.now + .seconds(seconds)
  while ContinuousClock.now < deadline {
    if let value = try await found() { return value }
    try await Task.sleep(for: .milliseconds(50))
  }
  Issue.record("condition not met within \(seconds) s", sourceLocation: sourceLocation)
  throw ConditionNotMet()
}

/// Thrown by ``eventually(seconds:sourceLocation:_:)`` so the test stops where it waited.
public struct ConditionNotMet: Error {}
