public import Logging
public import PostgresNIO
public import SwiftProtobuf

/// Writes an event to the service's outbox in the caller's transaction (REL-2): the event
/// exists if and only if the state change it describes committed.
public enum Outbox {
  public static func append(
    type: String, aggregateID: String, payload: some SwiftProtobuf.Message,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    let bytes: [UInt8] = try payload.serializedBytes()
    // One statement, one round trip inside the caller's transaction. The notification wakes
    // the sequencer when the transaction commits (notifications wait for commit); the
    // insert runs whether or not the query reads its result, as every data-modifying WITH
    // does.
    try await connection.query(
      """
      WITH appended AS (
        INSERT INTO outbox (event_type, aggregate_id, payload_type, payload)
        VALUES (\(type), \(aggregateID), \(Swift.type(of: payload).protoMessageName),
          \(ByteBuffer(bytes: bytes))))
      SELECT pg_notify(\(OutboxChannels.appended) || current_schema(), '')
      """, logger: logger)
  }
}

extension Outbox {
  /// One event to append with others in one statement.
  public struct Entry: Sendable {
    public var type: String
    public var aggregateID: String
    public var payload: any SwiftProtobuf.Message

    public init(type: String, aggregateID: String, payload: any SwiftProtobuf.Message) {
      self.type = type
      self.aggregateID = aggregateID
      self.payload = payload
    }
  }

  /// Appends `entries` in their order with one statement, for a caller that changes many
  /// records in one transaction.
  public static func append(
    _ entries: [Entry], on connection: PostgresConnection, logger: Logger
  ) async throws {
    guard !entries.isEmpty else { return }
    let payloads = try entries.map {
      ByteBuffer(bytes: try $0.payload.serializedBytes() as [UInt8])
    }
    try await connection.query(
      """
      WITH appended AS (
        INSERT INTO outbox (event_type, aggregate_id, payload_type, payload)
        SELECT t, a, p, b FROM unnest(\(entries.map(\.type)), \(entries.map(\.aggregateID)),
          \(entries.map { Swift.type(of: $0.payload).protoMessageName }), \(payloads))
          WITH ORDINALITY AS e(t, a, p, b, n) ORDER BY n)
      SELECT pg_notify(\(OutboxChannels.appended) || current_schema(), '')
      """, logger: logger)
  }
}

/// The notification channels of the outbox: rows appended (for the sequencer), rows numbered
/// (for open feed streams). Channels are per database and services may share one, so each
/// name ends with the service's schema.
public enum OutboxChannels {
  public static let appended = "hall_outbox_appended_"
  public static let numbered = "hall_outbox_numbered_"
}
