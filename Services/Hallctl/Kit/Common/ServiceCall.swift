import ArgumentParser
import Foundation
import GRPCCore
import HallServer

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

  /// `server` (host:port) when given, else the variable, else the default port.
  func address(server: String? = nil) throws -> (host: String, port: Int) {
    let text =
      server ?? ProcessInfo.processInfo.environment[variable]
      ?? "127.0.0.1:\(ServiceSettings.defaultPorts[service] ?? 0)"
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
      (1...65535).contains(port)
    else {
      throw ValidationError(
        "\(server == nil ? variable : "--server") must be host:port, got \(text)")
    }
    return (String(text[..<colon]), port)
  }
}

package enum ServiceCall {
  /// Runs `body` against the service of `Client`, at `server` or where the service's
  /// variable says. A refusal is printed the way the service worded it (code, message, and
  /// the field at fault) and ends the command with status 1: the operator acts on the
  /// service's words, not on a stack trace.
  package static func with<Client: HallServiceClient>(
    server: String? = nil, token: String?, _ body: (Client) async throws -> Void
  ) async throws {
    let (host, port) = try Client.endpoint.address(server: server)
    do {
      try await ServiceClient.with(host: host, port: port, token: token) {
        try await body(Client(wrapping: $0))
      }
    } catch let error as RPCError {
      Output.error(describe(error))
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
