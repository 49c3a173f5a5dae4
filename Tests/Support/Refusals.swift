public import GRPCCore
public import Testing

/// Expects `body` to fail with `code`, and (for INVALID_ARGUMENT) the field at fault.
public func expectRefusal(
  _ code: RPCError.Code, field: String? = nil, containing text: String? = nil,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () async throws -> Void
) async {
  do {
    try await body()
    Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
  } catch let error as RPCError {
    #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
    if let field {
      let fields = Array(error.metadata[stringValues: "hall-field"])
      #expect(fields == [field], "\(error.message)", sourceLocation: sourceLocation)
      #expect(error.message.hasPrefix(field), sourceLocation: sourceLocation)
    }
    if let text {
      #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
  }
}
