import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// Intake's copy of what it needs from the catalog: published item and bundle versions,
/// departments and the working calendar, kept from the catalog's feed (REL-2) so that a
/// case is accepted against the version in force at that instant even while the catalog
/// is down.
struct CatalogReplica {
  let db: Database

  /// The catalog's events this replica applies (beside the calendar's).
  private enum CatalogEvent: String {
    case itemVersionPublished = "catalog.item_version.published"
    case bundleVersionPublished = "catalog.bundle_version.published"
    case departmentCreated = "catalog.department.created"
    case itemLocalDetailsSet = "catalog.item.local_details_set"
  }

  /// The catalog's event types this replica applies; the feed filters on them.
  static let eventTypes =
    [
      "catalog.item_version.", "catalog.bundle_version.", "catalog.department.",
      "catalog.item.local_details_set",
    ]
    + CalendarReplica.eventTypes

  /// Applies one catalog event in the consumer's transaction. Returns true when the working
  /// calendar changed, so that open cases' due times are derived again.
  static func apply(_ event: FeedEvent, on db: Database) async throws -> Bool {
    let replica = CatalogReplica(db: db)
    switch CatalogEvent(rawValue: event.type) {
    case .itemVersionPublished:
      let version = try ItemVersion(unpackingAny: event.payload)
      try await replica.keep(
        version: version.version, of: version.itemCode, in: "item_versions", key: "item_code",
        effectiveDay: try Days.civil(version.effectiveDate, field: "effective_date").dayNumber,
        cancels: version.cancels, body: try version.bytea())
    case .bundleVersionPublished:
      let version = try BundleVersion(unpackingAny: event.payload)
      try await replica.keep(
        version: version.version, of: version.bundleCode, in: "bundle_versions",
        key: "bundle_code",
        effectiveDay: try Days.civil(version.effectiveDate, field: "effective_date").dayNumber,
        cancels: version.cancels, body: try version.bytea())
    case .departmentCreated:
      let department = try Department(unpackingAny: event.payload)
      _ = try await db.query(
        """
        INSERT INTO departments (id, level, body)
        VALUES (\(department.id), \(Int(department.level.rawValue)), \(try department.bytea()))
        ON CONFLICT (id) DO UPDATE SET level = excluded.level, body = excluded.body
        """)
    case .itemLocalDetailsSet:
      let details = try ItemLocalDetails(unpackingAny: event.payload)
      _ = try await db.query(
        """
        INSERT INTO item_local_details (item_code, implemented)
        VALUES (\(details.itemCode), \(details.implemented))
        ON CONFLICT (item_code) DO UPDATE SET implemented = excluded.implemented
        """)
    case nil:
      return try await CalendarReplica.apply(event, on: db)
    }
    return false
  }

  /// Keeps a published item or bundle version (`table` and its code column `key`); a version
  /// delivered again changes nothing.
  private func keep(
    version: Int32, of code: String, in table: String, key: String,
    effectiveDay: Int, cancels: Bool, body: ByteBuffer
  ) async throws {
    var binds = PostgresBindings()
    binds.append(code)
    binds.append(Int(version))
    binds.append(effectiveDay)
    binds.append(cancels)
    binds.append(body)
    _ = try await db.query(
      PostgresQuery(
        unsafeSQL: """
          INSERT INTO \(table) (\(key), version, effective_day, cancels, body)
          VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (\(key), version) DO NOTHING
          """, binds: binds))
  }

  /// The item's standing on `day` (China Standard Time): the highest version whose effective
  /// day has come (the catalog keeps effective days in version order).
  func item(_ code: String, on day: CivilDate) async throws -> ItemStanding {
    let rows = try await db.prepared(
      PostgresQuery(unsafeSQL: "SELECT \(Self.standingColumns)", binds: Self.binds(code, day)))
    let (body, cancels, firstDay, handled) = try rows[0].decode(
      (ByteBuffer?, Bool?, Int?, Bool).self)
    return try Self.standing(body: body, cancels: cancels, firstDay: firstDay, handled: handled)
  }

  /// The columns `standing` reads and their FROM, `$1` being the item code and `$2` the day
  /// number: the version in force and, only when there is none, the first effective day;
  /// whether this deployment handles the item (FED-2: a district may not handle an item of
  /// its city's standard).
  private static let standingColumns = """
    v.body, v.cancels, CASE WHEN v.body IS NULL THEN
        (SELECT min(effective_day) FROM item_versions WHERE item_code = $1) END,
      coalesce((SELECT implemented FROM item_local_details WHERE item_code = $1), true)
    FROM (SELECT 1) AS one LEFT JOIN LATERAL (
      SELECT body, cancels FROM item_versions
      WHERE item_code = $1 AND effective_day <= $2
      ORDER BY version DESC LIMIT 1) AS v ON true
    """

  private static func binds(_ code: String, _ day: CivilDate) -> PostgresBindings {
    var binds = PostgresBindings()
    binds.append(code)
    binds.append(day.dayNumber)
    return binds
  }

  /// The standing from what one statement read: the version in force, or else the first
  /// effective day. One statement, one snapshot: read in two, a version replicated between
  /// them made an item just published look not yet in force.
  private static func standing(body: ByteBuffer?, cancels: Bool?, firstDay: Int?, handled: Bool)
    throws -> ItemStanding
  {
    if let body {
      let version = try ItemVersion(bytea: body)
      if cancels == true { return .cancelled(version) }
      return handled ? .inForce(version) : .notHandledHere(version)
    }
    if let firstDay { return .notYetEffective(firstDay: CivilDate(dayNumber: firstDay)) }
    return .unknown
  }

  /// What a submission reads before it writes, in one round trip: the item's standing on
  /// `day`, a case number and the working calendar's revision (CalendarSource).
  struct Submission {
    var standing: ItemStanding
    var sequence: Int64
    var calendarRevision: Int64
  }

  func submission(_ code: String, on day: CivilDate) async throws -> Submission {
    let rows = try await db.prepared(
      PostgresQuery(
        unsafeSQL: """
          SELECT nextval('case_number_sequence'), (SELECT revision FROM calendar_revision),
            \(Self.standingColumns)
          """, binds: Self.binds(code, day)))
    let (sequence, revision, body, cancels, firstDay, handled) = try rows[0].decode(
      (Int64, Int64?, ByteBuffer?, Bool?, Int?, Bool).self)
    let standing = try Self.standing(
      body: body, cancels: cancels, firstDay: firstDay, handled: handled)
    return Submission(standing: standing, sequence: sequence, calendarRevision: revision ?? 0)
  }

  /// The bundle version in force on `day`, or why there is none.
  func bundle(_ code: String, on day: CivilDate) async throws -> BundleVersion {
    let rows = try await db.query(
      """
      SELECT body, cancels FROM bundle_versions
      WHERE bundle_code = \(code) AND effective_day <= \(day.dayNumber)
      ORDER BY version DESC LIMIT 1
      """)
    guard let row = rows.first else {
      throw ServiceError.notFound("bundle \(code) has no version in force")
    }
    let (body, cancels) = try row.decode((ByteBuffer, Bool).self)
    guard !cancels else { throw ServiceError.failedPrecondition("bundle \(code) is cancelled") }
    return try BundleVersion(bytea: body)
  }

  /// One exact bundle version, as an application made under it needs it.
  func bundle(_ code: String, version: Int32) async throws -> BundleVersion {
    let rows = try await db.query(
      """
      SELECT body FROM bundle_versions
      WHERE bundle_code = \(code) AND version = \(Int(version))
      """)
    guard let row = rows.first else {
      throw ServiceError.failedPrecondition("bundle \(code) version \(version) is not replicated")
    }
    return try BundleVersion(bytea: try row.decode(ByteBuffer.self))
  }

  /// One exact item version, as a case handled under it needs it (its fee, special
  /// procedures).
  func item(_ code: String, version: Int32) async throws -> ItemVersion {
    let rows = try await db.query(
      "SELECT body FROM item_versions WHERE item_code = \(code) AND version = \(Int(version))")
    guard let row = rows.first else {
      throw ServiceError.failedPrecondition("version \(version) of item \(code) is not replicated")
    }
    return try ItemVersion(bytea: try row.decode(ByteBuffer.self))
  }

  /// The department's administrative level, when the catalog has announced it.
  func departmentLevel(_ id: String) async throws -> Int? {
    let rows = try await db.query("SELECT level FROM departments WHERE id = \(id)")
    guard let row = rows.first else { return nil }
    return Int(try row.decode(Int16.self))
  }
}
