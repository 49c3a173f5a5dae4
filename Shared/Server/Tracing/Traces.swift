import Instrumentation
import Tracing

/// The trace context as a service's own code needs it, without importing the tracing
/// libraries: to keep a record's trace beside it and continue that trace later.
public enum Traces {
  /// The running trace's W3C `traceparent`, nil outside a trace.
  public static var currentParent: String? {
    InstrumentationContext.currentCarrier["traceparent"]
  }

  /// Whether spans go anywhere: a tracer was bootstrapped (``TraceExport``, when a collector
  /// is named). Without one, spans for calls, statements and applied events would be made
  /// for nothing.
  public static var exported: Bool { !(InstrumentationSystem.tracer is NoOpTracer) }

  /// The running trace's context (W3C keys), for events written later outside it.
  public static var currentContext: [String: String] { InstrumentationContext.currentCarrier }

  /// Marks, in the trace whose `traceparent` a record kept, that `operation` happened now
  /// outside any call (a timer's card on a case accepted days before), and returns the
  /// context for the events it causes; nil when the record kept none or tracing is off.
  public static func mark(
    _ operation: String, continuing traceparent: String?, attributes: [String: String]
  ) -> [String: String]? {
    guard let traceparent else { return nil }
    let span = startSpan(
      operation, context: .extracted(from: ["traceparent": traceparent]), ofKind: .internal)
    for (key, value) in attributes { span.attributes[key] = value }
    let carrier = span.context.carrier
    span.end()
    return carrier.isEmpty ? nil : carrier
  }
}
