import Foundation
import HallTestSupport
import Synchronization

/// A line of the report on stdout, flushed at once: runs take minutes and are often piped
/// through `tee`, and a report that appears only at exit hides how far a run has got.
func emit(_ line: String = "") {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// What a run is doing, on stderr, so that stdout stays the report alone.
func progress(_ message: String) {
  FileHandle.standardError.write(Data(("… " + message + "\n").utf8))
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
  String(format: "%.\(digits)f", value)
}

/// An integer in groups of three digits, 100 000 as the requirements write it.
func grouped(_ value: Int) -> String {
  let digits = String(value.magnitude)
  var result = ""
  for (offset, digit) in digits.enumerated() {
    if offset > 0, (digits.count - offset) % 3 == 0 { result.append(" ") }
    result.append(digit)
  }
  return (value < 0 ? "-" : "") + result
}

/// One JSON object on one line, keys sorted, for scripts that collect runs.
func jsonLine(_ value: some Encodable) throws -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Stops `service`, or warns when it has not stopped after `seconds`: the run's figures are
/// printed by then, and the process ends anyway. The stop runs in a task of its own, polled,
/// because a task group would wait for a stop that never ends.
func stopWithin(seconds: Double, _ service: TestService) async throws {
  let stopped = Atomic<Bool>(false)
  let stopping = Task {
    try await service.stop()
    stopped.store(true, ordering: .releasing)
  }
  let deadline = ContinuousClock.now + .seconds(seconds)
  while !stopped.load(ordering: .acquiring), ContinuousClock.now < deadline {
    try await Task.sleep(for: .milliseconds(100))
  }
  if stopped.load(ordering: .acquiring) {
    try await stopping.value
  } else {
    progress("the service had not stopped after \(fixed(seconds, 0)) s; leaving it")
  }
}
