import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallServer

/// Which service a command group talks to when --server is not given.
struct ServiceEndpoint: Sendable {
  var variable: String
  var port: Int

  static let catalog = ServiceEndpoint(variable: "HALL_CATALOG_ADDR", port: 50051)
  static let intake = ServiceEndpoint(variable: "HALL_INTAKE_ADDR", port: 50052)
  static let rating = ServiceEndpoint(variable: "HALL_RATING_ADDR", port: 50053)
  static let supervision = ServiceEndpoint(variable: "HALL_SUPERVISION_ADDR", port: 50054)
}

enum ServiceCall {
  /// Runs `body` against one service. A refusal is printed the way the service worded it
  /// (code, message, and the field at fault) and ends the command with status 1: the
  /// operator acts on the service's words, not on a stack trace.
  static func with<Client>(
    _ options: ConnectionOptions, _ endpoint: ServiceEndpoint,
    _ makeClient: (GRPCClient<HTTP2ClientTransport.Posix>) -> Client,
    _ body: (Client) async throws -> Void
  ) async throws {
    let (host, port) = try options.address(
      defaultVariable: endpoint.variable, defaultPort: endpoint.port)
    do {
      try await ServiceClient.with(host: host, port: port, token: try options.bearerToken()) {
        try await body(makeClient($0))
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
