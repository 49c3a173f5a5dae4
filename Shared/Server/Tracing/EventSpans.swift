public import HallContracts
import Instrumentation
import Tracing

/// A consumer span for applying an event, a child of the change that made it (the event's
/// own trace context): a case's acceptance and what supervision does with it share a trace.
/// An event without a context (its producer does not trace) is applied outside any trace.
public enum EventSpans {
  public static func applying<Result>(
    _ event: Hall_Events_V1_Event, subscription: String, _ body: () async throws -> Result
  ) async throws -> Result {
    guard !event.traceContext.isEmpty else { return try await body() }
    return try await withSpan(
      "apply \(event.type)", context: .extracted(from: event.traceContext), ofKind: .consumer
    ) { span in
      span.attributes["messaging.system"] = "hall.events"
      span.attributes["messaging.operation.type"] = "process"
      span.attributes["messaging.destination.name"] = event.producer
      span.attributes["messaging.consumer.group.name"] = subscription
      span.attributes["hall.event.cursor"] = event.cursor
      span.attributes["hall.event.aggregate_id"] = event.aggregateID
      return try await body()
    }
  }
}
