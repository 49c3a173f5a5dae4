public import GRPCCore
public import GRPCNIOTransportHTTP2
import HallAuth

/// An HTTP/2 connection to one of the platform's services, with the caller's bearer token on
/// every call. Used by hallctl, the demonstration, the tests and service-to-service links.
public enum ServiceClient {
  /// Connects to `address` with `security` (plaintext only to loopback). A DNS name with
  /// several addresses gets the calls spread over them in turn.
  public static func with<Result: Sendable>(
    address: PeerAddress, security: LinkSecurity, token: String?,
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try security.check(address)
    let interceptors: [any ClientInterceptor] =
      [TraceContextClientInterceptor()]
      + (token.map { [BearerTokenClientInterceptor(token: $0)] } ?? [])
    // Round robin where a name may stand for several instances; an address is one peer,
    // which gRPC's default policy keeps one connection to.
    let balancing: [ServiceConfig.LoadBalancingConfig] =
      if case .name = address.host { [.roundRobin] } else { [] }
    return try await withGRPCClient(
      transport: .http2NIOPosix(
        target: address.target, transportSecurity: security.transport,
        serviceConfig: ServiceConfig(loadBalancingConfig: balancing)),
      interceptors: interceptors
    ) { client in
      try await body(client)
    }
  }

  /// A plaintext connection to a service on this machine's loopback (tests, benchmarks).
  public static func with<Result: Sendable>(
    host: String, port: Int, token: String?,
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    try await with(
      address: PeerAddress(host: .ipv4(host), port: port), security: .plaintext, token: token,
      body)
  }
}
