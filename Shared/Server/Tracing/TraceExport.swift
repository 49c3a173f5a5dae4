import Instrumentation
public import Logging
import OTel
public import ServiceLifecycle

/// Sends the process's spans to an OpenTelemetry collector over OTLP/gRPC (OPS-3) when one
/// is named, and keeps tracing off otherwise, so that an untraced service pays only for
/// reading a task-local here and there.
///
/// The collector is named by OpenTelemetry's own variables, which operators' tooling already
/// sets: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`
/// (`https://…` for TLS, with `OTEL_EXPORTER_OTLP_CERTIFICATE`), and the rest of the
/// `OTEL_*` family (sampler, batch sizes, headers) as swift-otel reads it.
public enum TraceExport {
  /// Bootstraps the process-wide tracer, once, before any span; returns the exporter to run
  /// for the process's life (it flushes what is left when it stops), or nil when off.
  public static func bootstrap(
    service: String, deployment: String, environment: [String: String], logger: Logger
  ) throws -> (any Service)? {
    guard
      environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
        ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
        != nil
    else { return nil }
    var configuration = OTel.Configuration.default
    configuration.serviceName = "hall-\(service)"
    configuration.resourceAttributes = [
      "service.namespace": "hall", "deployment.environment.name": deployment,
    ]
    configuration.diagnosticLogger = .custom(logger)
    configuration.logs.enabled = false
    configuration.metrics.enabled = false
    // Only the gRPC exporter is built in (see Package.swift).
    configuration.traces.otlpExporter.protocol = .grpc
    let backend = try OTel.makeTracingBackend(configuration: configuration)
    InstrumentationSystem.bootstrap(backend.factory)
    logger.info(
      "exporting traces",
      metadata: [
        "endpoint":
          "\(environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "")"
      ])
    return backend.service
  }
}
