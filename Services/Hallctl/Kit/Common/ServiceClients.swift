package import GRPCCore
package import GRPCNIOTransportHTTP2
package import HallContracts

/// The generated client of one of the four services, and where that service listens: a
/// command names the client it wants, and the connection follows from it.
package protocol HallServiceClient {
  static var endpoint: ServiceEndpoint { get }
  init(wrapping client: GRPCClient<HTTP2ClientTransport.Posix>)
}

/// The four services' generated clients, and the options of the command groups that talk to
/// them; a changing command's options add the idempotency key.
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
