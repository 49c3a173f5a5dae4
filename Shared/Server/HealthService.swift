public import GRPCCore
public import HallContracts
import SwiftProtobuf
import Synchronization

/// The standard `grpc.health.v1.Health` service, so probes and ordinary gRPC tooling can ask
/// whether a service is up. A service reports NOT_SERVING until its schema is migrated and
/// its parts are built, and again while it drains on shutdown.
public final class HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
  private let services: Set<String>
  private let serving = Atomic<Bool>(false)

  /// - Parameter services: fully qualified names of the services this server offers.
  public init(services: [String]) {
    self.services = Set(services)
  }

  public func setServing(_ value: Bool) {
    serving.store(value, ordering: .relaxed)
  }

  /// Whether calls are taken now: the readiness an HTTP probe reads (``MetricsEndpoint``).
  public var isServing: Bool { serving.load(ordering: .relaxed) }

  private func status(of service: String) -> Grpc_Health_V1_HealthCheckResponse.ServingStatus? {
    guard service.isEmpty || services.contains(service) else { return nil }
    return serving.load(ordering: .relaxed) ? .serving : .notServing
  }

  public func check(
    request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = status(of: request.service) else {
      throw RPCError(code: .notFound, message: "unknown service \(request.service)")
    }
    return .with { $0.status = status }
  }

  public func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    var last: Grpc_Health_V1_HealthCheckResponse.ServingStatus?
    while !Task.isCancelled {
      let now = status(of: request.service) ?? .serviceUnknown
      if now != last {
        try await response.write(.with { $0.status = now })
        last = now
      }
      try await Task.sleep(for: .seconds(1))
    }
  }
}
