import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// Intake's copy of what it needs from the catalog: published item and bundle versions,
/// departments and the working calendar, kept from the catalog's feed (REL-2) so that a
/// case is accepted against the version in force at that instant even while the catalog
/// is down.
enum CatalogReplica {
  /// The catalog's event types this replica applies; the feed filters on them.
  static let eventTypes =
    ["catalog.item_version.", "catalog.bundle_version.", "catalog.department."]
    + CalendarReplica.eventTypes

  /// Applies one catalog event in the consumer's transaction. Returns true when the working
  /// calendar changed, so that open cases' due times are derived again.
  static func apply(
    _ event: Hall_Events_V1_Event, on connection: PostgresConnection, logger: Logger
  ) async throws -> Bool {
    switch event.type {
    case "catalog.item_version.published":
      let version = try Hall_Catalog_V1_ItemVersion(unpackingAny: event.payload)
      let day = try Days.civil(version.effectiveDate, field: "effective_date").dayNumber
      try await connection.query(
        """
        INSERT INTO item_versions (item_code, version, effective_day, cancels, body)
        VALUES (\(version.itemCode), \(Int(version.version)), \(day), \(version.cancels),
          \(try version.bytea()))
        ON CONFLICT (item_code, version) DO NOTHING
        """, logger: logger)
    case "catalog.bundle_version.published":
      let version = try Hall_Catalog_V1_BundleVersion(unpackingAny: event.payload)
      let day = try Days.civil(version.effectiveDate, field: "effective_date").dayNumber
      try await connection.query(
        """
        INSERT INTO bundle_versions (bundle_code, version, effective_day, cancels, body)
        VALUES (\(version.bundleCode), \(Int(version.version)), \(day), \(version.cancels),
          \(try version.bytea()))
        ON CONFLICT (bundle_code, version) DO NOTHING
        """, logger: logger)
    case "catalog.department.created":
      let department = try Hall_Catalog_V1_Department(unpackingAny: event.payload)
      try await connection.query(
        """
        INSERT INTO departments (id, level, body)
        VALUES (\(department.id), \(Int(department.level.rawValue)), \(try department.bytea()))
        ON CONFLICT (id) DO UPDATE SET level = excluded.level, body = excluded.body
        """, logger: logger)
    default:
      return try await CalendarReplica.apply(event, on: Database(connection, logger: logger))
    }
    return false
  }

  /// What the catalog says about an item on a given day.
  enum ItemStanding {
    /// The version in force.
    case inForce(Hall_Catalog_V1_ItemVersion)
    /// Cancelled from a day on or before it; the last guide in force is kept.
    case cancelled(Hall_Catalog_V1_ItemVersion)
    /// Published, but no version is in force yet.
    case notYetEffective(firstDay: CivilDate)
    /// Never published (or not replicated yet).
    case unknown
  }

  /// The item's standing on `day` (China Standard Time): the highest version whose effective
  /// day has come (the catalog keeps effective days in version order).
  static func item(
    _ code: String, on day: CivilDate, connection: PostgresConnection, logger: Logger
  ) async throws -> ItemStanding {
    let rows = try await connection.prepared(
      PostgresQuery(unsafeSQL: "SELECT \(standingColumns)", binds: standingBinds(code, day)),
      logger: logger)
    let (body, cancels, firstDay) = try rows[0].decode((ByteBuffer?, Bool?, Int?).self)
    return try standing(body: body, cancels: cancels, firstDay: firstDay)
  }

  /// The columns `standing` reads and their FROM, `$1` being the item code and `$2` the day
  /// number: the version in force and, only when there is none, the first effective day.
  private static let standingColumns = """
    v.body, v.cancels, CASE WHEN v.body IS NULL THEN
        (SELECT min(effective_day) FROM item_versions WHERE item_code = $1) END
    FROM (SELECT 1) AS one LEFT JOIN LATERAL (
      SELECT body, cancels FROM item_versions
      WHERE item_code = $1 AND effective_day <= $2
      ORDER BY version DESC LIMIT 1) AS v ON true
    """

  private static func standingBinds(_ code: String, _ day: CivilDate) -> PostgresBindings {
    var binds = PostgresBindings()
    binds.append(code)
    binds.append(day.dayNumber)
    return binds
  }

  /// The standing from what one statement read: the version in force, or else the first
  /// effective day. One statement, one snapshot: read in two, a version replicated between
  /// them made an item just published look not yet in force.
  private static func standing(body: ByteBuffer?, cancels: Bool?, firstDay: Int?) throws
    -> ItemStanding
  {
    if let body {
      let version = try Hall_Catalog_V1_ItemVersion(bytea: body)
      return cancels == true ? .cancelled(version) : .inForce(version)
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

  static func submission(
    _ code: String, on day: CivilDate, connection: PostgresConnection, logger: Logger
  ) async throws -> Submission {
    let rows = try await connection.prepared(
      PostgresQuery(
        unsafeSQL: """
          SELECT nextval('case_number_sequence'), (SELECT revision FROM calendar_revision),
            \(standingColumns)
          """, binds: standingBinds(code, day)),
      logger: logger)
    let (sequence, revision, body, cancels, firstDay) = try rows[0].decode(
      (Int64, Int64?, ByteBuffer?, Bool?, Int?).self)
    let standing = try standing(body: body, cancels: cancels, firstDay: firstDay)
    return Submission(standing: standing, sequence: sequence, calendarRevision: revision ?? 0)
  }

  /// The bundle version in force on `day`, or why there is none.
  static func bundle(
    _ code: String, on day: CivilDate, connection: PostgresConnection, logger: Logger
  ) async throws -> Hall_Catalog_V1_BundleVersion {
    let rows = try await connection.query(
      """
      SELECT body, cancels FROM bundle_versions
      WHERE bundle_code = \(code) AND effective_day <= \(day.dayNumber)
      ORDER BY version DESC LIMIT 1
      """, logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("bundle \(code) has no version in force")
    }
    let (body, cancels) = try row.decode((ByteBuffer, Bool).self)
    guard !cancels else { throw ServiceError.failedPrecondition("bundle \(code) is cancelled") }
    return try Hall_Catalog_V1_BundleVersion(bytea: body)
  }

  /// One exact version, as a case handled under it needs it (its fee, special procedures).
  static func version(
    _ code: String, _ version: Int32, connection: PostgresConnection, logger: Logger
  ) async throws -> Hall_Catalog_V1_ItemVersion {
    let rows = try await connection.query(
      "SELECT body FROM item_versions WHERE item_code = \(code) AND version = \(Int(version))",
      logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.failedPrecondition("version \(version) of item \(code) is not replicated")
    }
    return try Hall_Catalog_V1_ItemVersion(bytea: try row.decode(ByteBuffer.self))
  }

  /// The department's administrative level, when the catalog has announced it.
  static func departmentLevel(
    _ id: String, connection: PostgresConnection, logger: Logger
  ) async throws -> Int? {
    let rows = try await connection.query(
      "SELECT level FROM departments WHERE id = \(id)", logger: logger
    ).collect()
    guard let row = rows.first else { return nil }
    return Int(try row.decode(Int16.self))
  }
}
