public import GRPCCore

extension StreamingServerResponse {
  /// The same response, its producer run inside `scope`. A streaming handler writes its
  /// messages from the producer, which runs after every interceptor has returned: a
  /// task-local an interceptor set around `next` (the caller, the trace) is gone by then
  /// unless it is set again here.
  public func producing(
    within scope:
      @escaping @Sendable (_ produce: () async throws -> Metadata) async throws -> Metadata
  ) -> Self {
    guard case .success(var contents) = accepted else { return self }
    let producer = contents.producer
    contents.producer = { writer in try await scope { try await producer(writer) } }
    return StreamingServerResponse(accepted: .success(contents))
  }
}
