import GRPCCore
import HallAuth
import HallDatabase
import Logging
import PostgresNIO

/// Gives every error a handler throws its precise status (REL-3), innermost of the
/// interceptors, where the handler's errors arrive as thrown (an outer interceptor receives
/// them already converted, an unexpected one as UNKNOWN). A deliberate refusal keeps its
/// status; the database racing or gone is ALREADY_EXISTS or UNAVAILABLE, which a client may
/// retry; anything else is INTERNAL, logged as a fault.
struct ErrorMappingInterceptor: ServerInterceptor {
  let logger: Logger

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>, context: ServerContext, next: NextHandler<Input, Output>
  ) async throws -> StreamingServerResponse<Output> {
    do {
      return try await next(request, context)
    } catch let error as RPCError {
      throw error
    } catch let error as any RPCErrorConvertible {
      throw RPCError(error)
    } catch let error as PSQLError where error.sqlState == "23505" {
      // Two calls raced to create the same record; the loser gets the answer it would have
      // got a moment later.
      throw RPCError(
        code: .alreadyExists,
        message:
          "a record with the same key was created at the same time: \(error.constraintName ?? "")")
    } catch let error as PSQLError where error.sqlState == "40001" || error.sqlState == "40P01" {
      throw RPCError(code: .unavailable, message: "the call collided with another; retry it")
    } catch let error as PSQLError where Self.isUnavailable(error) {
      logger.warning(
        "database unavailable", metadata: ["method": "\(context.descriptor.fullyQualifiedMethod)"])
      throw RPCError(
        code: .unavailable, message: "the database is unavailable; nothing was done, retry it")
    } catch is CancellationError {
      throw RPCError(code: .cancelled, message: "the call was cancelled")
    } catch {
      logger.error(
        "rpc failed",
        metadata: [
          "method": "\(context.descriptor.fullyQualifiedMethod)",
          "error": "\(String(reflecting: error))",
        ])
      throw RPCError(code: .internalError, message: "internal error; the service logged it")
    }
  }

  /// The connection failed (no SQLSTATE) or the server is shutting down or out of resources.
  static func isUnavailable(_ error: PSQLError) -> Bool {
    guard let state = error.sqlState else { return true }
    return ["08", "53", "57", "58"].contains(String(state.prefix(2)))
  }
}
