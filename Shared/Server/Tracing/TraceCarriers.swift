public import GRPCCore
public import Instrumentation

/// Where a W3C Trace Context travels: a call's metadata (`traceparent`, `tracestate`) and an
/// event's `trace_context` map, so that a trace crosses both a call and the feed.
public struct MetadataCarrier: Extractor, Injector {
  public init() {}

  public func extract(key: String, from carrier: Metadata) -> String? {
    var values = carrier[stringValues: key].makeIterator()
    return values.next()
  }

  public func inject(_ value: String, forKey key: String, into carrier: inout Metadata) {
    carrier.replaceOrAddString(value, forKey: key)
  }
}

/// An event's trace context (``Outbox``, ``FeedConsumer``).
public struct DictionaryCarrier: Extractor, Injector {
  public init() {}

  public func extract(key: String, from carrier: [String: String]) -> String? {
    carrier[key]
  }

  public func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
    carrier[key] = value
  }
}

extension InstrumentationContext {
  /// The trace context to send with a change: the running span's, empty outside a trace.
  static var currentCarrier: [String: String] {
    guard let current = InstrumentationContext.current else { return [:] }
    return current.carrier
  }

  /// This context as W3C Trace Context headers.
  var carrier: [String: String] {
    var carrier: [String: String] = [:]
    InstrumentationSystem.instrument.inject(self, into: &carrier, using: DictionaryCarrier())
    return carrier
  }

  /// The context a sender put in `carrier`, to continue its trace.
  static func extracted(from carrier: [String: String]) -> InstrumentationContext {
    var context = InstrumentationContext.topLevel
    guard !carrier.isEmpty else { return context }
    InstrumentationSystem.instrument.extract(carrier, into: &context, using: DictionaryCarrier())
    return context
  }
}
