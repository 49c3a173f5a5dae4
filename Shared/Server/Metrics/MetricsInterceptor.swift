public import GRPCCore
public import HallAuth
import Prometheus

/// Counts and times every call by method and outcome (go-grpc-prometheus' families),
/// outermost of the interceptors so that it sees every outcome, a refusal by authentication
/// or by the contract's limits included. A stream is timed, and its status counted, when it
/// ends, not when its handler returns the response.
public struct MetricsInterceptor: ServerInterceptor {
  private let series: RPCSeriesCache

  /// `serverStreaming`: the methods that stream their responses; every other method of the
  /// platform is unary.
  public init(metrics: ServiceMetrics, serverStreaming: Set<MethodDescriptor>) {
    self.series = RPCSeriesCache(metrics: metrics, serverStreaming: serverStreaming)
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>, context: ServerContext, next: NextHandler<Input, Output>
  ) async throws -> StreamingServerResponse<Output> {
    let method = series.series(of: context.descriptor)
    method.started.increment()
    let start = ContinuousClock.now
    let response: StreamingServerResponse<Output>
    do {
      response = try await next(request, context)
    } catch let error as RPCError {
      response = StreamingServerResponse(error: error)
    }
    switch response.accepted {
    case .failure(let error):
      finish(method, code: error.code, since: start)
      return response
    case .success:
      return response.producing { produce in
        do {
          let trailers = try await produce()
          finish(method, code: nil, since: start)
          return trailers
        } catch {
          finish(method, code: (error as? RPCError)?.code ?? .unknown, since: start)
          throw error
        }
      }
    }
  }

  private func finish(
    _ method: RPCSeries, code: RPCError.Code?, since start: ContinuousClock.Instant
  ) {
    method.handling.record(ContinuousClock.now - start)
    method.handled(code.map(Self.name)).increment()
  }

  /// The status as gRPC's Go implementation spells it (`InvalidArgument`), which is what
  /// go-grpc-prometheus' dashboards and alerts match on.
  static func name(_ code: RPCError.Code) -> String {
    switch code {
    case .cancelled: "Canceled"
    case .unknown: "Unknown"
    case .invalidArgument: "InvalidArgument"
    case .deadlineExceeded: "DeadlineExceeded"
    case .notFound: "NotFound"
    case .alreadyExists: "AlreadyExists"
    case .permissionDenied: "PermissionDenied"
    case .resourceExhausted: "ResourceExhausted"
    case .failedPrecondition: "FailedPrecondition"
    case .aborted: "Aborted"
    case .outOfRange: "OutOfRange"
    case .unimplemented: "Unimplemented"
    case .internalError: "Internal"
    case .unavailable: "Unavailable"
    case .dataLoss: "DataLoss"
    case .unauthenticated: "Unauthenticated"
    default: "Unknown"
    }
  }
}
