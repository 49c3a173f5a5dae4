import ArgumentParser
import Foundation
import GRPCCore
package import HallServer

/// Which service a command group talks to when --server is not given: the variable the
/// services themselves read (`HALL_<SERVICE>_ADDR`), else the port the service listens on by
/// default on this machine.
package struct ServiceEndpoint: Sendable {
  var service: String

  static let catalog = ServiceEndpoint(service: "catalog")
  static let intake = ServiceEndpoint(service: "intake")
  static let rating = ServiceEndpoint(service: "rating")
  static let supervision = ServiceEndpoint(service: "supervision")

  var variable: String { "HALL_\(service.uppercased())_ADDR" }

  /// A command group's help, opening with where its service is looked for, so that the help
  /// names the same variable and port as the lookup itself.
  func discussion(_ rest: String) -> String {
    let port = ServiceSettings.defaultPorts[service] ?? 0
    return "Talks to the \(service) service ($\(variable), default 127.0.0.1:\(port)). \(rest)"
  }

  /// `server` (host:port) when given, else the variable, else the default port.
  func address(server: String? = nil) throws -> PeerAddress {
    let text =
      server ?? ProcessInfo.processInfo.environment[variable]
      ?? "127.0.0.1:\(ServiceSettings.defaultPorts[service] ?? 0)"
    do {
      return try PeerAddress(parsing: text)
    } catch let error as PeerAddressError {
      throw ValidationError("\(server == nil ? variable : "--server") \(error.description)")
    }
  }
}

/// How hallctl secures its connection: TLS trusting the deployment's certificate authority
/// (`--ca`, else `$HALL_CA_FILE`), showing `$HALL_CERT_FILE` and `$HALL_KEY_FILE` when the
/// services require client certificates; plaintext, to this machine only, without one.
package func linkSecurity(authority: String? = nil) -> LinkSecurity {
  let environment = ProcessInfo.processInfo.environment
  guard let authority = authority ?? environment["HALL_CA_FILE"] else { return .plaintext }
  return .tls(
    authorityFile: authority, certificateFile: environment["HALL_CERT_FILE"],
    keyFile: environment["HALL_KEY_FILE"])
}

package enum ServiceCall {
  /// Runs `body` against the service of `Client`, at `server` or where the service's
  /// variable says. A refusal is printed the way the service worded it (code, message, and
  /// the field at fault) and ends the command with status 1: the operator acts on the
  /// service's words, not on a stack trace.
  package static func with<Client: HallServiceClient>(
    server: String? = nil, authority: String? = nil, token: String?,
    _ body: (Client) async throws -> Void
  ) async throws {
    let address = try Client.endpoint.address(server: server)
    let security = linkSecurity(authority: authority)
    do {
      try await ServiceClient.with(address: address, security: security, token: token) {
        try await body(Client(wrapping: $0))
      }
    } catch let error as RPCError {
      Output.error(describe(error))
      if error.code == .unavailable, security.isPlaintext {
        Output.error("(services speak TLS: give their authority with --ca or HALL_CA_FILE)")
      }
      throw ExitCode.failure
    }
  }

  static func describe(_ error: RPCError) -> String {
    // The status as gRPC names it everywhere else (INVALID_ARGUMENT), not Swift's spelling.
    var code = ""
    for character in "\(error.code)" {
      if character.isUppercase { code += "_" }
      code += character.uppercased()
    }
    var message = "error: \(code): \(error.message)"
    if let field = error.metadata[stringValues: "hall-field"].first(where: { _ in true }) {
      message += " [field \(field)]"
    }
    return message
  }
}
