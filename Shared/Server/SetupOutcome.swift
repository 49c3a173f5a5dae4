import Synchronization

/// Whether a service failed before it listened, for those waiting for its port
/// (``ServiceApp/listeningPort()``): the first of the port and the failure answers them.
final class SetupOutcome: Sendable {
  private let failure = Mutex<(error: (any Error)?, waiters: [@Sendable (any Error) -> Void])>(
    (nil, []))

  func fail(_ error: any Error) {
    let waiters = failure.withLock { state in
      state.error = error
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter(error) }
  }

  /// The value of `operation`, or the setup's failure if that comes first. The operation
  /// is left to finish on its own then: a transport never asked to listen never answers.
  func racing<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value)
    async throws -> Value
  {
    try await withCheckedThrowingContinuation { continuation in
      let answer = Answer(continuation)
      let failed = failure.withLock { state in
        if state.error == nil { state.waiters.append { answer.resume(throwing: $0) } }
        return state.error
      }
      if let failed { return answer.resume(throwing: failed) }
      Task {
        do {
          answer.resume(returning: try await operation())
        } catch {
          answer.resume(throwing: error)
        }
      }
    }
  }

  /// A continuation resumed by whichever answer comes first.
  private final class Answer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, any Error>?>

    init(_ continuation: CheckedContinuation<Value, any Error>) {
      self.continuation = Mutex(continuation)
    }

    func resume(returning value: Value) {
      continuation.withLock { $0.take() }?.resume(returning: value)
    }

    func resume(throwing error: any Error) {
      continuation.withLock { $0.take() }?.resume(throwing: error)
    }
  }
}
