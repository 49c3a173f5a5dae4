public import GRPCCore

/// A refusal a handler gives on purpose, mapped to a precise gRPC status (REL-3). Any other
/// error reaching a client becomes `internal`, which is logged as a fault.
public enum ServiceError: Error, Equatable, RPCErrorConvertible {
  /// A field is malformed or out of range; `field` is its path in the request.
  case invalidArgument(field: String, message: String)
  /// The state forbids the call (e.g. the item is cancelled).
  case failedPrecondition(String)
  case notFound(String)
  case alreadyExists(String)
  case permissionDenied(String)
  /// The request is larger than the method takes.
  case resourceExhausted(String)

  public var rpcErrorCode: RPCError.Code {
    switch self {
    case .invalidArgument: .invalidArgument
    case .failedPrecondition: .failedPrecondition
    case .notFound: .notFound
    case .alreadyExists: .alreadyExists
    case .permissionDenied: .permissionDenied
    case .resourceExhausted: .resourceExhausted
    }
  }

  public var rpcErrorMessage: String {
    switch self {
    case .invalidArgument(let field, let message): "\(field): \(message)"
    case .failedPrecondition(let message), .notFound(let message), .alreadyExists(let message),
      .permissionDenied(let message), .resourceExhausted(let message):
      message
    }
  }

  /// The field at fault travels as trailing metadata too, so a client can point at it
  /// without parsing the message.
  public var rpcErrorMetadata: Metadata {
    if case .invalidArgument(let field, _) = self {
      var metadata = Metadata()
      metadata.addString(Quote.brief(field, limit: 200), forKey: "hall-field")
      return metadata
    }
    return [:]
  }
}
