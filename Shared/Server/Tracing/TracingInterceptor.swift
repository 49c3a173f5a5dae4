public import GRPCCore
public import HallAuth
import Instrumentation
import Tracing

/// A server span for every call (OPS-3), continuing the caller's trace when its metadata
/// carries one (W3C `traceparent`), with the handler, its statements and the events it
/// appends inside it. The span ends when the response has been sent, a stream's included.
///
/// The long-lived streams (a feed's subscription, health's watch) are left out: they are
/// transport that lasts for days, and the work they carry is traced by the events' own
/// context instead.
public struct TracingInterceptor: ServerInterceptor {
  let untraced: Set<MethodDescriptor>

  public init(untraced: Set<MethodDescriptor>) {
    self.untraced = untraced
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>, context: ServerContext, next: NextHandler<Input, Output>
  ) async throws -> StreamingServerResponse<Output> {
    guard !untraced.contains(context.descriptor) else { return try await next(request, context) }
    var parent = InstrumentationContext.topLevel
    InstrumentationSystem.instrument.extract(
      request.metadata, into: &parent, using: MetadataCarrier())
    let span = startSpan(
      context.descriptor.fullyQualifiedMethod, context: parent, ofKind: .server)
    span.attributes["rpc.system"] = "grpc"
    span.attributes["rpc.service"] = context.descriptor.service.fullyQualifiedService
    span.attributes["rpc.method"] = context.descriptor.method
    let response: StreamingServerResponse<Output>
    do {
      response = try await InstrumentationContext.$current.withValue(span.context) {
        try await next(request, context)
      }
    } catch {
      Self.end(span, error: error)
      throw error
    }
    switch response.accepted {
    case .failure(let error):
      Self.end(span, error: error)
      return response
    case .success:
      return response.producing { produce in
        do {
          let trailers = try await InstrumentationContext.$current.withValue(span.context) {
            try await produce()
          }
          Self.end(span, error: nil)
          return trailers
        } catch {
          Self.end(span, error: error)
          throw error
        }
      }
    }
  }

  /// Ends `span` with the call's status. As OpenTelemetry's gRPC conventions have it, a
  /// server span is an error only for the server's own failures, not for a caller's bad
  /// request (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION …), which the status code
  /// attribute still records.
  static func end(_ span: any Span, error: (any Error)?) {
    let code = error.map { ($0 as? RPCError)?.code ?? .unknown }
    span.attributes["rpc.grpc.status_code"] = code?.rawValue ?? 0
    if let code, serverFaults.contains(code) {
      span.setStatus(SpanStatus(code: .error, message: "\(code)"))
    }
    span.end()
  }

  static let serverFaults: Set<RPCError.Code> = [
    .unknown, .deadlineExceeded, .unimplemented, .internalError, .unavailable, .dataLoss,
  ]
}

/// Sends the running trace's context with every outgoing call, so that the service called
/// continues the caller's trace.
public struct TraceContextClientInterceptor: ClientInterceptor {
  public init() {}

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingClientRequest<Input>, context: ClientContext,
    next: NextClientHandler<Input, Output>
  ) async throws -> StreamingClientResponse<Output> {
    guard let current = InstrumentationContext.current else {
      return try await next(request, context)
    }
    var request = request
    InstrumentationSystem.instrument.inject(
      current, into: &request.metadata, using: MetadataCarrier())
    return try await next(request, context)
  }
}
