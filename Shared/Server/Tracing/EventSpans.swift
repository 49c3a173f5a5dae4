public import HallContracts
import Instrumentation
import Tracing

/// A consumer span for applying an event, a child of the change that made it (the event's
/// own trace context): a case's acceptance and what supervision does with it share a trace.
/// An event without a context (its producer does not trace) is applied outside any trace, as
/// is every event where this process exports no traces (``Traces/exported``).
public enum EventSpans {
  public static func applying<Result>(
    _ event: FeedEvent, subscription: String, _ body: () async throws -> Result
  ) async throws -> Result {
    guard !event.traceContext.isEmpty, Traces.exported else { return try await body() }
    return try await withSpan(
      "apply \(event.type)", context: .extracted(from: event.traceContext), ofKind: .consumer
    ) { span in
      describe(span, from: event, subscription: subscription)
      span.attributes["hall.event.aggregate_id"] = event.aggregateID
      return try await body()
    }
  }

  /// A batch applied at once (``FeedConsumer/ApplyBatch``): each event is still judged in
  /// its own span, in its own trace, but the statements that read and write for the whole
  /// batch belong to no one event. They run in a consumer span of the batch's, linked to
  /// each event's trace, so that a slow batch shows its statements and the changes it
  /// applied. A batch of untraced events is applied outside any trace, as such an event is.
  public static func applying<Result>(
    batch events: [FeedEvent], subscription: String, _ body: () async throws -> Result
  ) async throws -> Result {
    let traced = events.filter { !$0.traceContext.isEmpty }
    guard let first = events.first, !traced.isEmpty, Traces.exported else {
      return try await body()
    }
    return try await withSpan("apply batch", context: .topLevel, ofKind: .consumer) { span in
      describe(span, from: first, subscription: subscription)
      span.attributes["messaging.batch.message_count"] = events.count
      for event in traced {
        span.addLink(SpanLink(context: .extracted(from: event.traceContext), attributes: [:]))
      }
      return try await body()
    }
  }

  /// OpenTelemetry's messaging attributes, and the (first) event's cursor.
  private static func describe(
    _ span: any Span, from event: FeedEvent, subscription: String
  ) {
    span.attributes["messaging.system"] = "hall.events"
    span.attributes["messaging.operation.type"] = "process"
    span.attributes["messaging.destination.name"] = event.producer
    span.attributes["messaging.consumer.group.name"] = subscription
    span.attributes["hall.event.cursor"] = event.cursor
  }
}
