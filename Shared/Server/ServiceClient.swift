public import GRPCCore
public import GRPCNIOTransportHTTP2
import HallAuth

/// A plaintext HTTP/2 connection to one of the platform's services, with the caller's
/// bearer token on every call. Used by hallctl, the tests and service-to-service links.
public enum ServiceClient {
  public static func with<Result: Sendable>(
    host: String, port: Int, token: String?,
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
  ) async throws -> Result {
    let interceptors: [any ClientInterceptor] =
      token.map {
        [BearerTokenClientInterceptor(token: $0)]
      } ?? []
    return try await withGRPCClient(
      transport: .http2NIOPosix(
        target: .ipv4(address: host, port: port), transportSecurity: .plaintext),
      interceptors: interceptors
    ) { client in
      try await body(client)
    }
  }
}
