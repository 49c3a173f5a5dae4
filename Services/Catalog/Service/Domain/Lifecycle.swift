import HallCalendar
import HallContracts
import HallServer
import Logging
import PostgresNIO

/// Items and bundles share one life: a row with a state and a draft, and immutable versions
/// that take effect in order. These steps serve both.
enum Publishable: String {
  case item
  case bundle

  var table: String { self == .item ? "items" : "bundles" }
  var versions: String { self == .item ? "item_versions" : "bundle_versions" }
  var codeColumn: String { self == .item ? "item_code" : "bundle_code" }
}

extension CatalogRPC {
  /// The record's state, with its row locked until the transaction ends.
  func lock(_ kind: Publishable, _ code: String, connection: PostgresConnection) async throws
    -> Hall_Catalog_V1_ItemState
  {
    var query = PostgresQuery(
      unsafeSQL: "SELECT state FROM \(kind.table) WHERE code = $1 FOR UPDATE")
    query.binds.append(code)
    let rows = try await connection.query(query, logger: logger).collect()
    guard let row = rows.first else { throw ServiceError.notFound("no \(kind.rawValue) \(code)") }
    return Hall_Catalog_V1_ItemState(rawValue: Int(try row.decode(Int16.self))) ?? .unspecified
  }

  /// Versions take effect in the order they are published.
  func checkEffectiveOrder(
    _ day: CivilDate, of kind: Publishable, _ code: String, connection: PostgresConnection
  ) async throws {
    var query = PostgresQuery(
      unsafeSQL: "SELECT max(effective_day) FROM \(kind.versions) WHERE \(kind.codeColumn) = $1")
    query.binds.append(code)
    let rows = try await connection.query(query, logger: logger).collect()
    if let latest = try rows.first?.decode(Int32?.self), Int(latest) > day.dayNumber {
      throw ServiceError.invalidArgument(
        field: "effective_date",
        message:
          "must not be before the latest version's effective date \(CivilDate(dayNumber: Int(latest)))"
      )
    }
  }
}
