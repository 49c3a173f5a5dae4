import GRPCCore
import Prometheus
import Synchronization

/// One method's series, made on its first call and kept. The registry's `make` checks the
/// family's name and finds the labels under its lock each time, which every call paid three
/// times over.
struct RPCSeries: Sendable {
  let labels: RPCLabels
  let started: Counter
  let handling: DurationHistogram
  /// The outcome of nearly every call; other codes are looked up when they happen.
  let handledOK: Counter
}

/// The series of every method called so far, by method.
final class RPCSeriesCache: Sendable {
  private let metrics: ServiceMetrics
  private let made = Mutex<[MethodDescriptor: RPCSeries]>([:])

  init(metrics: ServiceMetrics) {
    self.metrics = metrics
  }

  func series(of method: MethodDescriptor, serverStreaming: Bool) -> RPCSeries {
    if let series = made.withLock({ $0[method] }) { return series }
    let labels = RPCLabels(
      type: serverStreaming ? "server_stream" : "unary",
      service: method.service.fullyQualifiedService, method: method.method)
    let series = RPCSeries(
      labels: labels, started: metrics.started(labels), handling: metrics.handling(labels),
      handledOK: metrics.handled(labels, code: "OK"))
    made.withLock { $0[method] = series }
    return series
  }
}
