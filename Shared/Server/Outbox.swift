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
    try await append(
      type: type, aggregateID: aggregateID, payload: payload, alongside: nil, on: connection,
      logger: logger)
  }

  /// Appends the event in the same statement as `change`, the caller's one data-modifying
  /// statement (an INSERT, UPDATE or DELETE without RETURNING) that the event describes: a
  /// change and its event cost one round trip, not two, on the hottest paths.
  public static func append(
    type: String, aggregateID: String, payload: some SwiftProtobuf.Message,
    alongside change: PostgresQuery?, on connection: PostgresConnection, logger: Logger
  ) async throws {
    let bytes: [UInt8] = try payload.serializedBytes()
    // The notification wakes the sequencer when the transaction commits (notifications wait
    // for commit); every data-modifying WITH runs whether or not the query reads its result.
    // The change's own placeholders come first; the event's are numbered after them.
    var binds = change?.binds ?? PostgresBindings()
    func placeholder(_ value: some PostgresNonThrowingEncodable) -> String {
      binds.append(value)
      return "$\(binds.count)"
    }
    let values = [
      placeholder(type), placeholder(aggregateID),
      placeholder(Swift.type(of: payload).protoMessageName), placeholder(ByteBuffer(bytes: bytes)),
    ].joined(separator: ", ")
    let channel = placeholder(OutboxChannels.appended)
    let sql = """
      WITH \(change.map { "changed AS (\($0.sql)), " } ?? "")appended AS (
        INSERT INTO outbox (event_type, aggregate_id, payload_type, payload) VALUES (\(values)))
      SELECT pg_notify(\(channel) || current_schema(), '')
      """
    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
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
