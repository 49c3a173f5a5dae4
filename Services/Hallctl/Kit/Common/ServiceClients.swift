package import GRPCCore
package import GRPCNIOTransportHTTP2
package import HallContracts

/// The generated client of one of the four services, and where that service listens: a
/// command names the client it wants, and the connection follows from it.
package protocol HallServiceClient {
  static var endpoint: ServiceEndpoint { get }
  init(wrapping client: GRPCClient<Posix>)
}

/// hallctl reaches every service over the same HTTP/2 transport; named once, so that the
/// clients and their conformances below do not each spell it out.
package typealias Posix = HTTP2ClientTransport.Posix

/// The four services' generated clients, and the options of the command groups that talk to
/// them; a changing command's options add the idempotency key.
package typealias CatalogServiceClient = CatalogContract.Client<Posix>
package typealias IntakeServiceClient = IntakeContract.Client<Posix>
package typealias RatingServiceClient = RatingContract.Client<Posix>
package typealias SupervisionServiceClient = SupervisionContract.Client<Posix>

package typealias CatalogConnection = ConnectionOptions<CatalogServiceClient>
package typealias IntakeConnection = ConnectionOptions<IntakeServiceClient>
package typealias RatingConnection = ConnectionOptions<RatingServiceClient>
package typealias SupervisionConnection = ConnectionOptions<SupervisionServiceClient>
typealias IntakeChange = ChangeOptions<IntakeServiceClient>
typealias RatingChange = ChangeOptions<RatingServiceClient>
typealias SupervisionChange = ChangeOptions<SupervisionServiceClient>

extension CatalogContract.Client: HallServiceClient where Transport == Posix {
  package static var endpoint: ServiceEndpoint { .catalog }
}

extension IntakeContract.Client: HallServiceClient where Transport == Posix {
  package static var endpoint: ServiceEndpoint { .intake }
}

extension RatingContract.Client: HallServiceClient where Transport == Posix {
  package static var endpoint: ServiceEndpoint { .rating }
}

extension SupervisionContract.Client: HallServiceClient where Transport == Posix {
  package static var endpoint: ServiceEndpoint { .supervision }
}
