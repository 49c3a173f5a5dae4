public import GRPCCore

/// Who may call a method. Every method of a service must be listed: a method missing from
/// the policy is refused, so a new RPC is closed until someone decides who may call it.
public enum AccessRule: Sendable {
  /// Anyone, with or without a token (a token, if sent, must still verify).
  case anyone
  /// Only callers whose token carries one of these roles.
  case roles(Set<Role>)
}

/// The access rules of one server, by method as the generated code describes it
/// (`Service.Method.X.descriptor`), so that a renamed or removed method fails to compile here
/// rather than leaving a rule for nothing.
public struct AccessPolicy: Sendable {
  public private(set) var rules: [MethodDescriptor: AccessRule] = [:]

  public init() {}

  public mutating func allow(_ rule: AccessRule, _ methods: [MethodDescriptor]) {
    for method in methods { rules[method] = rule }
  }

  public func rule(for descriptor: MethodDescriptor) -> AccessRule? {
    rules[descriptor]
  }

  /// The methods of `descriptors` without a rule: a test's question, every method of every
  /// service being listed.
  public func unruled(_ descriptors: [MethodDescriptor]) -> [MethodDescriptor] {
    descriptors.filter { rules[$0] == nil }
  }
}

/// Authenticates every call (SEC-1): verifies the bearer token, applies the access policy,
/// and makes the caller available to handlers as `Principal.current`.
public struct AuthInterceptor: ServerInterceptor {
  public let verifier: TokenVerifier
  public let policy: AccessPolicy

  public init(verifier: TokenVerifier, policy: AccessPolicy) {
    self.verifier = verifier
    self.policy = policy
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>, context: ServerContext, next: NextHandler<Input, Output>
  ) async throws -> StreamingServerResponse<Output> {
    guard let rule = policy.rule(for: context.descriptor) else {
      throw RPCError(
        code: .permissionDenied,
        message: "\(context.descriptor.fullyQualifiedMethod) is not open to any caller")
    }
    let principal = try authenticate(request.metadata)
    switch rule {
    case .anyone:
      break
    case .roles(let roles):
      guard let principal else {
        throw RPCError(
          code: .unauthenticated,
          message: "\(context.descriptor.method) needs a bearer token (authorization header)")
      }
      guard roles.contains(principal.role) else {
        let allowed = roles.map(\.rawValue).sorted().joined(separator: ", ")
        throw RPCError(
          code: .permissionDenied,
          message:
            "\(context.descriptor.method) needs the role \(allowed); the token has \(principal.role.rawValue)"
        )
      }
    }
    let response = try await Principal.$current.withValue(principal) {
      try await next(request, context)
    }
    return response.producing { produce in
      try await Principal.$current.withValue(principal) { try await produce() }
    }
  }

  private func authenticate(_ metadata: Metadata) throws -> Principal? {
    let values = Array(metadata[stringValues: "authorization"])
    guard let header = values.first else { return nil }
    guard values.count == 1 else {
      throw RPCError(code: .unauthenticated, message: "more than one authorization header")
    }
    let prefix = "bearer "
    guard header.count > prefix.count, header.lowercased().hasPrefix(prefix) else {
      throw RPCError(
        code: .unauthenticated, message: "authorization header is not 'Bearer <token>'")
    }
    do {
      return try verifier.verify(String(header.dropFirst(prefix.count)))
    } catch {
      throw RPCError(code: .unauthenticated, message: error.description)
    }
  }
}

/// Adds a bearer token to every outgoing call of a client.
public struct BearerTokenClientInterceptor: ClientInterceptor {
  public let token: String

  public init(token: String) { self.token = token }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingClientRequest<Input>, context: ClientContext,
    next: NextClientHandler<Input, Output>
  ) async throws -> StreamingClientResponse<Output> {
    var request = request
    request.metadata.replaceOrAddString("Bearer \(token)", forKey: "authorization")
    return try await next(request, context)
  }
}

/// What a server interceptor calls to pass the request on: the next interceptor, or the
/// handler. Named once so that each interceptor's signature reads as its protocol's.
public typealias NextHandler<Input: Sendable, Output: Sendable> =
  @Sendable (StreamingServerRequest<Input>, ServerContext) async throws ->
  StreamingServerResponse<Output>

/// What a client interceptor calls to send the call on: the next interceptor, or the
/// transport. Named for the same reason as ``NextHandler``.
public typealias NextClientHandler<Input: Sendable, Output: Sendable> =
  (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
