import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// Items and their versions (CAT-2, CAT-3, CAT-7): the statements items share with bundles,
/// and the ones only items have.
typealias ItemStore = VersionedStore<Item>

extension Item: VersionedRecord {
  typealias Spec = ItemSpec
  typealias Version = ItemVersion

  static let kind = Publishable.item

  /// The version's body, with the columns guides are searched and counted by (CAT-9,
  /// CAT-11) extracted beside it.
  static func insert(_ version: ItemVersion, effective: CivilDate, on db: Database) async throws {
    let spec = version.spec
    let levels = spec.levels.map { Int16($0.rawValue) }
    let channels = spec.channels.map { Int16($0.rawValue) }
    try await db.perform(
      """
      INSERT INTO item_versions (item_code, version, body, name, search_text, search_grams,
        department_id, kind, levels, channels, statutory_days, promised_days, max_visits,
        placement, cancels, effective_day, published_at, published_by)
      VALUES (\(version.itemCode), \(version.version), \(try version.bytea()), \(spec.name),
        \(SearchGrams.normalized(spec.name)), \(SearchGrams.indexGrams(of: spec.name)),
        \(spec.departmentID), \(Int16(spec.kind.rawValue)), \(levels), \(channels),
        \(spec.statutoryLimitWorkingDays), \(spec.promisedLimitWorkingDays), \(spec.maxVisits),
        \(Int16(spec.placement.rawValue)), \(version.cancels), \(Int32(effective.dayNumber)),
        \(version.publishTime.date), \(version.publishedBy))
      """)
  }
}

extension VersionedStore where Record == Item {
  /// The states of the items with these codes; a code no item has is absent.
  func states(of codes: [String]) async throws -> [String: ItemState] {
    let rows = try await db.prepared("SELECT code, state FROM items WHERE code = ANY(\(codes))")
    var states: [String: ItemState] = [:]
    for row in rows {
      let (code, state) = try row.decode((String, Int16).self)
      states[code] = ItemState(rawValue: Int(state)) ?? .unspecified
    }
    return states
  }

  /// Up to `limit` versions of an item numbered below `before`, newest first.
  func versions(of code: String, before: Int32, limit: Int) async throws -> [ItemVersion] {
    try await db.prepared(
      """
      SELECT body FROM item_versions WHERE item_code = \(code)
        AND version < \(before) ORDER BY version DESC LIMIT \(limit)
      """
    ).map { try ItemVersion(bytea: try $0.decode(ByteBuffer.self)) }
  }
}
