import GRPCCore
@testable import HallDatabase
@testable import HallServer
import InMemoryTracing
import Testing
import Tracing

/// The parts of tracing (OPS-3) that are the platform's own; that the spans reach a collector
/// with their parent links across services is shown with processes (Tests/faults/
/// test_traces.py).
@Suite("Tracing")
struct TracingTests {
  @Test("a call's trace context travels in its metadata, replacing what was there")
  func metadataCarrier() {
    var metadata: Metadata = ["traceparent": "00-old-old-01"]
    let parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    MetadataCarrier().inject(parent, forKey: "traceparent", into: &metadata)
    #expect(Array(metadata[stringValues: "traceparent"]) == [parent])
    #expect(MetadataCarrier().extract(key: "traceparent", from: metadata) == parent)
    #expect(MetadataCarrier().extract(key: "tracestate", from: metadata) == nil)
  }

  @Test("an event's trace context is a map of the same headers")
  func dictionaryCarrier() {
    var carrier: [String: String] = [:]
    DictionaryCarrier().inject("vendor=1", forKey: "tracestate", into: &carrier)
    #expect(carrier == ["tracestate": "vendor=1"])
    #expect(DictionaryCarrier().extract(key: "tracestate", from: carrier) == "vendor=1")
  }

  @Test("outside a trace nothing is kept or marked")
  func outsideATrace() {
    #expect(Traces.currentParent == nil)
    #expect(InstrumentationContext.currentCarrier.isEmpty)
    #expect(Traces.mark("timer", continuing: nil, attributes: [:]) == nil)
  }

  @Test(
    "a statement's span is named by its first keyword",
    arguments: [
      ("SELECT body FROM cases", "SELECT"), ("\n  WITH changed AS (…) SELECT 1", "WITH"),
      ("update cases SET x = 1", "UPDATE"), ("", "postgresql"), ("  ", "postgresql"),
    ])
  func statementNames(sql: String, name: String) {
    #expect(StatementSpans.operation(of: sql) == name)
  }

  @Test(
    "a server span is an error for the server's own failures, not for a caller's bad request",
    arguments: [
      (RPCError.Code.invalidArgument, false), (.notFound, false), (.failedPrecondition, false),
      (.permissionDenied, false), (.unauthenticated, false), (.internalError, true),
      (.unavailable, true), (.deadlineExceeded, true), (.unknown, true),
    ])
  func serverSpanStatus(code: RPCError.Code, isError: Bool) {
    let tracer = InMemoryTracer()
    TracingInterceptor.end(
      tracer.startSpan("call", ofKind: .server), error: RPCError(code: code, message: "m"))
    let span = tracer.finishedSpans[0]
    #expect(
      span.attributes["rpc.grpc.status_code"]?.toSpanAttribute() == .int64(Int64(code.rawValue)))
    #expect((span.status?.code == .error) == isError)
  }

  @Test("a call that succeeds ends its span with status code 0 and no error")
  func serverSpanOK() {
    let tracer = InMemoryTracer()
    TracingInterceptor.end(tracer.startSpan("call", ofKind: .server), error: nil)
    #expect(
      tracer.finishedSpans[0].attributes["rpc.grpc.status_code"]?.toSpanAttribute() == .int64(0))
    #expect(tracer.finishedSpans[0].status == nil)
  }

  @Test("tracing is on only with a collector named, and off by OpenTelemetry's own switches")
  func exportSettings() throws {
    let collector = "http://127.0.0.1:4317"
    #expect(try TraceExport.endpoint(in: [:]) == nil)
    #expect(try TraceExport.endpoint(in: ["OTEL_EXPORTER_OTLP_ENDPOINT": ""]) == nil)
    #expect(try TraceExport.endpoint(in: ["OTEL_EXPORTER_OTLP_ENDPOINT": collector]) == collector)
    #expect(
      try TraceExport.endpoint(in: [
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://other:4317",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": collector,
      ]) == collector)
    for off in [["OTEL_SDK_DISABLED": "true"], ["OTEL_TRACES_EXPORTER": "none"]] {
      #expect(
        try TraceExport.endpoint(in: off.merging(["OTEL_EXPORTER_OTLP_ENDPOINT": collector]) { $1 })
          == nil)
    }
    #expect(
      try TraceExport.endpoint(in: [
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
      ]) == collector)
    #expect(throws: ServiceSettings.Problem.self) {
      try TraceExport.endpoint(in: [
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
      ])
    }
  }
}
