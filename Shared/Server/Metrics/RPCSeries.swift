import GRPCCore
import Prometheus
import Synchronization

/// One method's series, made on its first call and kept. The registry's `make` checks the
/// family's name and finds the labels under its lock each time, which every call paid three
/// times over.
struct RPCSeries: Sendable {
  let started: Counter
  let handling: DurationHistogram
  /// The outcome of nearly every call; other codes are looked up when they happen.
  private let handledOK: Counter
  private let labels: RPCLabels
  private let metrics: ServiceMetrics

  init(labels: RPCLabels, metrics: ServiceMetrics) {
    self.started = metrics.started(labels)
    self.handling = metrics.handling(labels)
    self.handledOK = metrics.handled(labels, code: "OK")
    self.labels = labels
    self.metrics = metrics
  }

  /// The count of calls that ended with `code` (go-grpc-prometheus' spelling; nil for OK).
  func handled(_ code: String?) -> Counter {
    guard let code else { return handledOK }
    return metrics.handled(labels, code: code)
  }
}

/// The series of every method called so far, by method.
final class RPCSeriesCache: Sendable {
  private let metrics: ServiceMetrics
  /// The methods that stream their responses; every other method of the platform is unary.
  private let serverStreaming: Set<MethodDescriptor>
  private let made = Mutex<[MethodDescriptor: RPCSeries]>([:])

  init(metrics: ServiceMetrics, serverStreaming: Set<MethodDescriptor>) {
    self.metrics = metrics
    self.serverStreaming = serverStreaming
  }

  func series(of method: MethodDescriptor) -> RPCSeries {
    made.withLock { made in
      if let series = made[method] { return series }
      let series = RPCSeries(
        labels: RPCLabels(
          type: serverStreaming.contains(method) ? "server_stream" : "unary",
          service: method.service.fullyQualifiedService, method: method.method),
        metrics: metrics)
      made[method] = series
      return series
    }
  }
}
