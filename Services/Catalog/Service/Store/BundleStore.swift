import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// One-thing bundles and their versions (CAT-8): the statements bundles share with items,
/// and the ones only bundles have.
typealias BundleStore = VersionedStore<Bundle>

extension Bundle: VersionedRecord {
  typealias Spec = BundleSpec
  typealias Version = BundleVersion

  static let kind = Publishable.bundle

  /// The version's body, with the columns guides are searched by (CAT-9) beside it.
  static func insert(_ version: BundleVersion, effective: CivilDate, on db: Database)
    async throws
  {
    let name = version.spec.name
    try await db.perform(
      """
      INSERT INTO bundle_versions (bundle_code, version, body, name, search_text, search_grams,
        department_ids, cancels, effective_day, published_by)
      VALUES (\(version.bundleCode), \(version.version), \(try version.bytea()), \(name),
        \(SearchGrams.normalized(name)), \(SearchGrams.indexGrams(of: name)),
        \(version.departmentIds), \(version.cancels), \(Int32(effective.dayNumber)),
        \(version.publishedBy))
      """)
  }
}

extension VersionedStore where Record == Bundle {
  /// The version in force on `day` of every bundle coded after `after` whose name contains
  /// the LIKE `pattern`, cancelling versions included, in code order.
  func inForce(after: String, on day: CivilDate, namesLike pattern: String) async throws
    -> [BundleVersion]
  {
    try await db.prepared(
      """
      SELECT DISTINCT ON (bundle_code) body FROM bundle_versions
      WHERE effective_day <= \(Int32(day.dayNumber)) AND bundle_code > \(after)
        AND lower(name) LIKE \(pattern)
      ORDER BY bundle_code, effective_day DESC, version DESC
      """
    ).map { try BundleVersion(bytea: try $0.decode(ByteBuffer.self)) }
  }
}
