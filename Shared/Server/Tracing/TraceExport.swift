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
    guard let endpoint = try endpoint(in: environment) else { return nil }
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
    logger.info("exporting traces", metadata: ["endpoint": "\(endpoint)"])
    return backend.service
  }

  /// The collector the environment names, nil when tracing is off: no endpoint, or turned
  /// off by OpenTelemetry's own switches (`OTEL_SDK_DISABLED=true`,
  /// `OTEL_TRACES_EXPORTER=none`). A protocol other than gRPC is refused here, by name,
  /// rather than failing inside the exporter.
  static func endpoint(in environment: [String: String]) throws -> String? {
    guard
      let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
        ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"],
      !endpoint.isEmpty,
      environment["OTEL_SDK_DISABLED"]?.lowercased() != "true",
      environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
    else { return nil }
    for key in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
      if let value = environment[key], value != "grpc" {
        throw ServiceSettings.Problem(
          description:
            "\(key) is \(Quote.brief(value)): the services export traces over grpc only")
      }
    }
    return endpoint
  }
}
