public import Foundation
public import HallDatabase
import Instrumentation
public import Logging
public import PostgresNIO
public import SwiftProtobuf

/// Writes an event to the service's outbox in the caller's transaction (REL-2): the event
/// exists if and only if the state change it describes committed.
public enum Outbox {
  public static func append(
    type: String, aggregateID: String, payload: some SwiftProtobuf.Message, at occurredAt: Date,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    try await append(
      [Entry(type: type, aggregateID: aggregateID, payload: payload, at: occurredAt)],
      on: Database(connection, logger: logger))
  }

  public static func append(
    type: String, aggregateID: String, payload: some SwiftProtobuf.Message, at occurredAt: Date,
    on db: Database
  ) async throws {
    try await append(
      [Entry(type: type, aggregateID: aggregateID, payload: payload, at: occurredAt)], on: db)
  }
}

extension Outbox {
  /// One event to append with others in one statement.
  public struct Entry: Sendable {
    public var type: String
    public var aggregateID: String
    public var payload: any SwiftProtobuf.Message
    /// When the change happened, by the producer's clock (``WallClock``): consumers judge
    /// the change at this instant, in this deployment or another.
    public var occurredAt: Date
    /// The trace the event continues (W3C Trace Context), when it is not the running one:
    /// a timer's card belongs to the trace of the case it judges.
    public var traceContext: [String: String]?
    /// The one region whose deployment below may read the event, when it is addressed to
    /// one (``EventFeedService``); nil for an event of the deployment's own.
    public var audience: String?

    public init(
      type: String, aggregateID: String, payload: any SwiftProtobuf.Message, at occurredAt: Date,
      traceContext: [String: String]? = nil, audience: String? = nil
    ) {
      self.type = type
      self.aggregateID = aggregateID
      self.payload = payload
      self.occurredAt = occurredAt
      self.traceContext = traceContext
      self.audience = audience
    }
  }

  /// Appends `entries` in their order with one statement, together with `change`, the
  /// caller's one data-modifying statement that they describe (an INSERT, UPDATE or DELETE
  /// without RETURNING): a change and its events in one round trip.
  public static func append(
    _ entries: [Entry], alongside change: PostgresQuery? = nil, on db: Database
  ) async throws {
    var statement = WriteStatement(change: change)
    try add(entries, to: &statement)
    guard !statement.isEmpty else { return }
    try await db.perform(statement.query)
  }

  public static func append(
    _ entries: [Entry], alongside change: PostgresQuery? = nil,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    try await append(entries, alongside: change, on: Database(connection, logger: logger))
  }

  /// Adds `entries` to a call's one statement.
  static func add(_ entries: [Entry], to statement: inout WriteStatement) throws {
    guard !entries.isEmpty else { return }
    let payloads = try entries.map {
      ByteBuffer(bytes: try $0.payload.serializedBytes() as [UInt8])
    }
    let running = InstrumentationContext.currentCarrier
    let traces = entries.map { $0.traceContext ?? running }
    let arrays = [
      statement.placeholder(entries.map(\.type)),
      statement.placeholder(entries.map(\.aggregateID)),
      statement.placeholder(entries.map { Swift.type(of: $0.payload).protoMessageName }),
      statement.placeholder(payloads),
      statement.placeholder(entries.map(\.occurredAt)),
      statement.placeholder(traces.map { $0["traceparent"] ?? "" }),
      statement.placeholder(traces.map { $0["tracestate"] ?? "" }),
      statement.placeholder(entries.map { $0.audience ?? "" }),
    ].joined(separator: ", ")
    statement.add(
      "appended",
      """
      INSERT INTO outbox (event_type, aggregate_id, payload_type, payload, occurred_at,
        traceparent, tracestate, audience)
      SELECT t, a, p, b, o, nullif(tp, ''), nullif(ts, ''), nullif(r, '')
      FROM unnest(\(arrays)) WITH ORDINALITY AS e(t, a, p, b, o, tp, ts, r, n)
      ORDER BY n
      """)
    statement.notifyOutbox()
  }
}

/// The notification channels of the outbox: rows appended (for the sequencer), rows numbered
/// (for open feed streams). Channels are per database and services may share one, so each
/// name ends with the service's schema.
public enum OutboxChannels {
  public static let appended = "hall_outbox_appended_"
  public static let numbered = "hall_outbox_numbered_"
}
