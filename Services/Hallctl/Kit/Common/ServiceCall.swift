import ArgumentParser
import Foundation
package import GRPCCore
package import GRPCNIOTransportHTTP2
package import HallContracts
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

/// The generated client of one of the four services, and where that service listens: a
/// command names the client it wants, and the connection follows from it.
package protocol HallServiceClient {
  static var endpoint: ServiceEndpoint { get }
  init(wrapping client: GRPCClient<HTTP2ClientTransport.Posix>)
}

/// The four services' generated clients, each over the connection options of its command
/// group; a changing command's options add the idempotency key.
package typealias CatalogServiceClient = Hall_Catalog_V1_CatalogService.Client<
  HTTP2ClientTransport.Posix
>
package typealias IntakeServiceClient = Hall_Intake_V1_IntakeService.Client<
  HTTP2ClientTransport.Posix
>
package typealias RatingServiceClient = Hall_Rating_V1_RatingService.Client<
  HTTP2ClientTransport.Posix
>
package typealias SupervisionServiceClient = Hall_Supervision_V1_SupervisionService.Client<
  HTTP2ClientTransport.Posix
>

package typealias CatalogConnection = ConnectionOptions<CatalogServiceClient>
package typealias IntakeConnection = ConnectionOptions<IntakeServiceClient>
package typealias RatingConnection = ConnectionOptions<RatingServiceClient>
package typealias SupervisionConnection = ConnectionOptions<SupervisionServiceClient>
typealias IntakeChange = ChangeOptions<IntakeServiceClient>
typealias RatingChange = ChangeOptions<RatingServiceClient>
typealias SupervisionChange = ChangeOptions<SupervisionServiceClient>

extension Hall_Catalog_V1_CatalogService.Client: HallServiceClient
where Transport == HTTP2ClientTransport.Posix {
  package static var endpoint: ServiceEndpoint { .catalog }
}

extension Hall_Intake_V1_IntakeService.Client: HallServiceClient
where Transport == HTTP2ClientTransport.Posix {
  package static var endpoint: ServiceEndpoint { .intake }
}

extension Hall_Rating_V1_RatingService.Client: HallServiceClient
where Transport == HTTP2ClientTransport.Posix {
  package static var endpoint: ServiceEndpoint { .rating }
}

extension Hall_Supervision_V1_SupervisionService.Client: HallServiceClient
where Transport == HTTP2ClientTransport.Posix {
  package static var endpoint: ServiceEndpoint { .supervision }
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
