public import GRPCCore
public import HallAuth
import SwiftProtobuf

/// Holds every request message to the contract's limits (``ContractLimits``) as the handler
/// reads it, so that no handler sees a number outside its range or an enum value the
/// contract does not name.
public struct ContractLimitsInterceptor: ServerInterceptor {
  /// Methods that take more than ``ContractLimits/defaultMaximumBytes``.
  public let maximumBytes: [MethodDescriptor: Int]

  public init(maximumBytes: [MethodDescriptor: Int] = [:]) {
    self.maximumBytes = maximumBytes
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>, context: ServerContext, next: NextHandler<Input, Output>
  ) async throws -> StreamingServerResponse<Output> {
    var checked = request
    let limit = maximumBytes[context.descriptor] ?? ContractLimits.defaultMaximumBytes
    checked.messages = RPCAsyncSequence(
      wrapping: request.messages.map { @Sendable message in
        if let message = message as? any SwiftProtobuf.Message {
          try ContractLimits.check(message, maximumBytes: limit)
        }
        return message
      })
    return try await next(checked, context)
  }
}
