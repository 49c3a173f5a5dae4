public import GRPCCore
import HallDatabase
public import Logging
import PostgresNIO

/// Logs every call's method, status and duration as one line, and logs unexpected errors
/// (those not deliberately mapped to a status) as faults.
public struct RequestLoggingInterceptor: ServerInterceptor {
  public let logger: Logger

  public init(logger: Logger) { self.logger = logger }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next:
      @Sendable (StreamingServerRequest<Input>, ServerContext) async throws ->
      StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    let start = ContinuousClock.now
    let method = context.descriptor.fullyQualifiedMethod
    do {
      let response = try await next(request, context)
      logger.debug(
        "rpc", metadata: ["method": "\(method)", "ms": "\(elapsedMilliseconds(since: start))"])
      return response
    } catch let error as RPCError {
      let message = Quote.status(error.message)
      logger.info(
        "rpc refused",
        metadata: ["method": "\(method)", "code": "\(error.code)", "message": "\(message)"])
      throw RPCError(
        code: error.code, message: message, metadata: error.metadata, cause: error.cause)
    } catch let error as any RPCErrorConvertible {
      let message = Quote.status(error.rpcErrorMessage)
      logger.info(
        "rpc refused",
        metadata: ["method": "\(method)", "code": "\(error.rpcErrorCode)", "message": "\(message)"])
      throw RPCError(code: error.rpcErrorCode, message: message, metadata: error.rpcErrorMetadata)
    } catch let error as PSQLError where error.sqlState == "23505" {
      // Two calls raced to create the same record; the loser gets the answer it would have
      // got a moment later.
      logger.info("rpc refused", metadata: ["method": "\(method)", "code": "already_exists"])
      throw RPCError(
        code: .alreadyExists,
        message:
          "a record with the same key was created at the same time: \(error.constraintName ?? "")")
    } catch let error as PSQLError where error.sqlState == "40001" || error.sqlState == "40P01" {
      throw RPCError(code: .unavailable, message: "the call collided with another; retry it")
    } catch {
      logger.error(
        "rpc failed", metadata: ["method": "\(method)", "error": "\(String(reflecting: error))"])
      throw RPCError(code: .internalError, message: "internal error; the service logged it")
    }
  }

  private func elapsedMilliseconds(since start: ContinuousClock.Instant) -> Int64 {
    let elapsed = ContinuousClock.now - start
    return elapsed.components.seconds * 1000 + elapsed.components.attoseconds
      / 1_000_000_000_000_000
  }
}
