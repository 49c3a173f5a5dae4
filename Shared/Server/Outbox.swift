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
    try await connection.query(
      """
      INSERT INTO outbox (event_type, aggregate_id, payload)
      VALUES (\(type), \(aggregateID), \(ByteBuffer(bytes: bytes)))
      """, logger: logger)
    try await connection.query("SELECT pg_notify('outbox', '')", logger: logger)
  }
}
