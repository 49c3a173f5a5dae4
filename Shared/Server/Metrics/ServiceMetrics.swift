public import Prometheus

/// What one service instance measures (OPS-3), in Prometheus' text format on its own HTTP
/// port (``MetricsEndpoint``). Every family is declared here, once, with its help text and
/// its labels: the registry refuses two spellings of one family, and an operator reads the
/// list in one place. The gRPC families carry go-grpc-prometheus' names, so existing
/// dashboards and alerts work unchanged.
///
/// Each service instance has its own registry rather than the process-wide metrics system,
/// so that several services in one test process keep their figures apart.
public struct ServiceMetrics: Sendable {
  public let registry: PrometheusCollectorRegistry

  public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
    self.registry = registry
  }

  // MARK: gRPC (go-grpc-prometheus)

  func started(_ method: RPCLabels) -> Counter {
    registry.makeCounter(descriptor: Self.started, labels: method.labels)
  }

  func handled(_ method: RPCLabels, code: String) -> Counter {
    registry.makeCounter(descriptor: Self.handled, labels: method.labels + [("grpc_code", code)])
  }

  func handling(_ method: RPCLabels) -> DurationHistogram {
    registry.makeDurationHistogram(
      descriptor: Self.handlingSeconds, labels: method.labels, buckets: Self.buckets)
  }

  // MARK: Feeds

  /// A consumer's lag behind its producer, in events and in seconds.
  public func feedLag(producer: String, subscription: String) -> (events: Gauge, seconds: Gauge) {
    let labels = [("producer", producer), ("subscription", subscription)]
    return (
      registry.makeGauge(descriptor: Self.lagEvents, labels: labels),
      registry.makeGauge(descriptor: Self.lagSeconds, labels: labels)
    )
  }

  /// Events a consumer set aside because it could not apply them.
  public func feedParked(producer: String, subscription: String) -> Gauge {
    registry.makeGauge(
      descriptor: Self.parked, labels: [("producer", producer), ("subscription", subscription)])
  }

  /// Committed events waiting for a feed position, and the newest position given.
  var outbox: (backlog: Gauge, head: Gauge) {
    (registry.makeGauge(descriptor: Self.backlog), registry.makeGauge(descriptor: Self.head))
  }

  /// Counts the events the sequencer gave a position, by type: each committed event once,
  /// whichever instance committed it, which is what the domain's own counters are made of.
  func sequenced(_ counts: [(type: String, count: Int64)]) {
    for (type, count) in counts {
      registry.makeCounter(descriptor: Self.events, labels: [("type", type)])
        .increment(by: count)
      if let (descriptor, labels) = Self.domain(type) {
        registry.makeCounter(descriptor: descriptor, labels: labels).increment(by: count)
      }
    }
  }

  // MARK: Database pool

  /// Calls holding a pooled connection, and calls waiting for one.
  var pool: (inUse: Gauge, waiting: Gauge) {
    (registry.makeGauge(descriptor: Self.inUse), registry.makeGauge(descriptor: Self.waiting))
  }

  // MARK: The families

  static let buckets: [Duration] = [
    .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
    .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    .milliseconds(2500), .seconds(5), .seconds(10),
  ]

  static func family(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: unit, helpText: help)
  }

  static var started: MetricNameDescriptor {
    family(
      "grpc_server_started", "total", "RPCs started on the server.")
  }
  static var handled: MetricNameDescriptor {
    family(
      "grpc_server_handled", "total", "RPCs completed on the server, by status code.")
  }
  static var handlingSeconds: MetricNameDescriptor {
    family(
      "grpc_server_handling", "seconds",
      "Time from the start of an RPC to its end (a stream's: when it ends).")
  }
  static var lagEvents: MetricNameDescriptor {
    family(
      "hall_feed_lag", "events", "Events the producer has that this consumer has not applied.")
  }
  static var lagSeconds: MetricNameDescriptor {
    family(
      "hall_feed_lag", "seconds", "Age of the newest applied event while behind; 0 when caught up.")
  }
  static var parked: MetricNameDescriptor {
    family(
      "hall_feed_parked", "events", "Events set aside because they could not be applied.")
  }
  static var backlog: MetricNameDescriptor {
    family(
      "hall_outbox_backlog", "events", "Committed events not yet given a feed position.")
  }
  static var head: MetricNameDescriptor {
    family(
      "hall_outbox_head", "position", "The newest feed position given.")
  }
  static var events: MetricNameDescriptor {
    family(
      "hall_events", "total", "Events committed and sequenced, by type.")
  }
  static var inUse: MetricNameDescriptor {
    family(
      "hall_db_pool_in_use", "connections", "Calls holding a pooled database connection.")
  }
  static var waiting: MetricNameDescriptor {
    family(
      "hall_db_pool_waiting", "calls", "Calls waiting for a pooled database connection.")
  }

  /// The domain's own counters, each made of the events that mean it.
  static func domain(_ type: String) -> (MetricNameDescriptor, [(String, String)])? {
    let accepted = family(
      "hall_intake_cases_accepted", "total", "Cases accepted, with shortfall or without.")
    let cards = family("hall_supervision_cards", "total", "Warning and red cards raised.")
    return switch type {
    case "intake.case.accepted": (accepted, [("shortfall", "false")])
    case "intake.case.accepted_with_shortfall": (accepted, [("shortfall", "true")])
    case "supervision.card.yellow": (cards, [("signal", "yellow")])
    case "supervision.card.red": (cards, [("signal", "red")])
    case "supervision.anomaly.raised":
      (family("hall_supervision_anomalies", "total", "Anomalies raised."), [])
    case "rating.rating.given": (family("hall_rating_ratings", "total", "Ratings given."), [])
    default: nil
    }
  }
}

/// A method as go-grpc-prometheus labels it.
struct RPCLabels: Sendable {
  var type: String
  var service: String
  var method: String

  var labels: [(String, String)] {
    [("grpc_type", type), ("grpc_service", service), ("grpc_method", method)]
  }
}
