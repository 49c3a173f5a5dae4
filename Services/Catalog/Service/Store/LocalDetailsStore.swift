import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// A district's own details of the items it holds from its city (FED-2), one row an item,
/// apart from the city's versions so that a new version from the city leaves them as the
/// district set them.
struct LocalDetailsStore: Sendable {
  let db: Database

  /// The deployment whose standard the item is (nil for one of this deployment's own),
  /// read under a share lock so that the item cannot change hands meanwhile.
  func owner(of code: String) async throws -> String? {
    let rows = try await db.prepared(
      "SELECT owner FROM items WHERE code = \(code) FOR SHARE")
    guard let row = rows.first else { throw ServiceError.notFound("no item \(code)") }
    return try row.decode(String?.self)
  }

  /// Stores the details and `event` in one statement, then the audit line.
  func set(_ details: ItemLocalDetails, event: Outbox.Entry) async throws {
    // The placement the indicators count (CAT-11); nil keeps the standard's.
    let placement = details.placement == .unspecified ? nil : Int16(details.placement.rawValue)
    try await Outbox.append(
      [event],
      alongside: """
        INSERT INTO item_local_details (item_code, implemented, placement, body, updated_by)
        VALUES (\(details.itemCode), \(details.implemented), \(placement),
          \(try details.bytea()), \(details.updatedBy))
        ON CONFLICT (item_code) DO UPDATE SET implemented = excluded.implemented,
          placement = excluded.placement, body = excluded.body, updated_at = now(),
          updated_by = excluded.updated_by
        """, on: db)
    try await db.audit(
      .setLocalDetails, target: "item:\(details.itemCode)",
      detail: details.implemented ? "implemented" : "not implemented")
  }

  /// The item's owner and the details this deployment has set of it.
  func ownerAndDetails(of code: String) async throws -> (String?, ItemLocalDetails?) {
    let rows = try await db.prepared(
      """
      SELECT i.owner, l.body FROM items i
      LEFT JOIN item_local_details l ON l.item_code = i.code WHERE i.code = \(code)
      """)
    guard let row = rows.first else { return (nil, nil) }
    let (owner, body) = try row.decode((String?, ByteBuffer?).self)
    return (owner, try body.map(ItemLocalDetails.init(bytea:)))
  }
}
