import Prometheus
import Synchronization

/// One call's use of the database pool, for its gauges: waiting from its start until a
/// connection is leased, then holding it until the end.
final class PoolLease: Sendable {
  private enum Stage { case waiting, holding, ended }
  private let gauges: (inUse: Gauge, waiting: Gauge)
  private let stage = Mutex(Stage.waiting)

  init(_ gauges: (inUse: Gauge, waiting: Gauge)) {
    self.gauges = gauges
    gauges.waiting.increment()
  }

  func begin() {
    let began = stage.withLock { stage in
      defer { if stage == .waiting { stage = .holding } }
      return stage == .waiting
    }
    guard began else { return }
    gauges.waiting.decrement()
    gauges.inUse.increment()
  }

  func end() {
    switch stage.withLock({ stage in
      defer { stage = .ended }; return stage
    }) {
    case .waiting: gauges.waiting.decrement()
    case .holding: gauges.inUse.decrement()
    case .ended: break
    }
  }
}
