import GRPCCore
import HallAuth
import Logging

/// Logs every call's method, status and duration as one line, outermost of the
/// interceptors, so that it sees every outcome: a refusal by authentication or by the
/// contract's limits as well as the handler's. Every status message leaves bounded
/// (``Quote/status(_:)``).
///
/// gRPC hands an outer interceptor a failure as a returned response, already converted to a
/// status; the handler's own errors are mapped innermost (``ErrorMappingInterceptor``).
struct RequestLoggingInterceptor: ServerInterceptor {
  let logger: Logger

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>, context: ServerContext, next: NextHandler<Input, Output>
  ) async throws -> StreamingServerResponse<Output> {
    let start = ContinuousClock.now
    let method = context.descriptor.fullyQualifiedMethod
    let response: StreamingServerResponse<Output>
    do {
      response = try await next(request, context)
    } catch let error as RPCError {
      response = StreamingServerResponse(error: error)
    }
    guard case .failure(let error) = response.accepted else {
      logger.debug(
        "rpc", metadata: ["method": "\(method)", "ms": "\(elapsedMilliseconds(since: start))"])
      return response
    }
    let message = Quote.status(error.message)
    logger.info(
      "rpc refused",
      metadata: ["method": "\(method)", "code": "\(error.code)", "message": "\(message)"])
    return StreamingServerResponse(
      error: RPCError(
        code: error.code, message: message, metadata: error.metadata, cause: error.cause))
  }

  private func elapsedMilliseconds(since start: ContinuousClock.Instant) -> Int64 {
    let elapsed = ContinuousClock.now - start
    return elapsed.components.seconds * 1000 + elapsed.components.attoseconds
      / 1_000_000_000_000_000
  }
}
