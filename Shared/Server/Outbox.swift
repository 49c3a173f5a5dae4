public import Foundation
import HallDatabase
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
      on: connection, logger: logger)
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

    public init(
      type: String, aggregateID: String, payload: any SwiftProtobuf.Message, at occurredAt: Date
    ) {
      self.type = type
      self.aggregateID = aggregateID
      self.payload = payload
      self.occurredAt = occurredAt
    }
  }

  /// Appends `entries` in their order with one statement, together with `change`, the
  /// caller's one data-modifying statement that they describe (an INSERT, UPDATE or DELETE
  /// without RETURNING), and the call's answer when the caller stores it here
  /// (``Idempotency/Claim``): a whole call's writes in one round trip.
  public static func append(
    _ entries: [Entry], alongside change: PostgresQuery? = nil,
    answering answer: (claim: Idempotency.Claim, response: [UInt8])? = nil,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    guard !entries.isEmpty || change != nil || answer != nil else { return }
    // The change's own placeholders come first; the others are numbered after them.
    var binds = change?.binds ?? PostgresBindings()
    func placeholder(_ value: any PostgresNonThrowingEncodable) -> String {
      binds.append(value)
      return "$\(binds.count)"
    }
    var parts: [String] = []
    if let change { parts.append("changed AS (\(change.sql))") }
    if !entries.isEmpty {
      let payloads = try entries.map {
        ByteBuffer(bytes: try $0.payload.serializedBytes() as [UInt8])
      }
      let arrays = [
        placeholder(entries.map(\.type)), placeholder(entries.map(\.aggregateID)),
        placeholder(entries.map { Swift.type(of: $0.payload).protoMessageName }),
        placeholder(payloads), placeholder(entries.map(\.occurredAt)),
      ].joined(separator: ", ")
      parts.append(
        """
        appended AS (
          INSERT INTO outbox (event_type, aggregate_id, payload_type, payload, occurred_at)
          SELECT t, a, p, b, o FROM unnest(\(arrays)) WITH ORDINALITY AS e(t, a, p, b, o, n)
          ORDER BY n)
        """)
    }
    if let (claim, response) = answer {
      parts.append("answered AS (\(claim.insert(response: response, placeholder: placeholder)))")
    }
    // The notification wakes the sequencer when the transaction commits (notifications wait
    // for commit); every data-modifying WITH runs whether or not the query reads its result.
    let notify =
      entries.isEmpty
      ? "1" : "pg_notify(\(placeholder(OutboxChannels.appended)) || current_schema(), '')"
    let sql = "WITH \(parts.joined(separator: ", ")) SELECT \(notify)"
    try await connection.perform(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
  }
}

/// The notification channels of the outbox: rows appended (for the sequencer), rows numbered
/// (for open feed streams). Channels are per database and services may share one, so each
/// name ends with the service's schema.
public enum OutboxChannels {
  public static let appended = "hall_outbox_appended_"
  public static let numbered = "hall_outbox_numbered_"
}
