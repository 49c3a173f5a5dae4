import Foundation
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// An item or a bundle as the contract returns it: the record with its state, its draft and
/// its latest version. Both kinds live in tables of one shape (CatalogMigrations): the
/// record, the names it has had, and its versions, whose other columns differ by kind.
protocol VersionedRecord: SwiftProtobuf.Message, Sendable {
  associatedtype Spec: DraftSpec
  associatedtype Version: PublishedVersion
  static var kind: Publishable { get }
  var code: String { get set }
  var state: ItemState { get set }
  var draft: Spec { get set }
  var hasDraft_p: Bool { get set }
  var latestVersion: Version { get set }
  var updateTime: Google_Protobuf_Timestamp { get set }
  var updatedBy: String { get set }

  /// Writes a new version's row: its body, and the columns the kind's queries filter on.
  static func insert(_ version: Version, effective: CivilDate, on db: Database) async throws
}

/// A record locked for a change, with what the change decides on.
struct LockedRecord<Spec: DraftSpec> {
  var state: ItemState
  var draft: Spec?
  var latestVersion: Int32
  /// The latest effective date of any of its versions.
  var latestEffective: CivilDate?
}

/// The statements items and bundles share: their lives are one (``Lifecycle``), so one
/// store serves both, naming the kind's tables. Each text is fixed per kind, so each runs
/// prepared.
struct VersionedStore<Record: VersionedRecord>: Sendable {
  let db: Database

  private var tables: Tables { Tables(Record.kind) }

  /// The record's state, or nil when no record has the code.
  func state(of code: String) async throws -> ItemState? {
    let state = try await db.value(
      Int16.self, statement("SELECT state FROM \(tables.records) WHERE code = $1", code))
    return state.map(Self.state)
  }

  /// The record, locked until the transaction ends for a change of this deployment's own,
  /// with its draft and the latest effective date of its versions. A record taken from the
  /// city's catalog is the city's to change (FED-2), and is refused here, naming the city.
  func lock(_ code: String) async throws -> LockedRecord<Record.Spec> {
    let rows = try await db.prepared(
      statement(
        """
        SELECT state, draft, latest_version,
          (SELECT max(effective_day) FROM \(tables.versions) WHERE \(tables.code) = $1), owner
        FROM \(tables.records) WHERE code = $1 FOR UPDATE
        """, code))
    guard let row = rows.first else { throw ServiceError.notFound("no \(Record.kind) \(code)") }
    let (state, draft, latest, effective, owner) = try row.decode(
      (Int16, ByteBuffer?, Int32, Int32?, String?).self)
    if let owner {
      throw ServiceError.failedPrecondition(
        "\(Record.kind) \(code) is the standard of \(owner)'s catalog: only \(owner) changes it (FED-2)"
      )
    }
    return LockedRecord(
      state: Self.state(state), draft: try draft.map(Record.Spec.init(bytea:)),
      latestVersion: latest, latestEffective: effective.map { CivilDate(dayNumber: Int($0)) })
  }

  /// Another record of the kind that has, or had, `name`, with its state.
  func nameOwner(_ name: String, other code: String) async throws
    -> (code: String, state: ItemState)?
  {
    let rows = try await db.prepared(
      statement(
        """
        SELECT n.\(tables.code), r.state FROM \(tables.names) n
        JOIN \(tables.records) r ON r.code = n.\(tables.code)
        WHERE n.name = $1 AND n.\(tables.code) <> $2
        UNION ALL
        SELECT code, state FROM \(tables.records) WHERE draft_name = $1 AND code <> $2
        """, name, code))
    guard let row = rows.first else { return nil }
    let (owner, state) = try row.decode((String, Int16).self)
    return (owner, Self.state(state))
  }

  /// A new record holding only its draft.
  func create(_ code: String, draft: Record.Spec, by actor: String) async throws {
    try await db.perform(
      statement(
        """
        INSERT INTO \(tables.records) (code, state, draft, draft_name, updated_by)
        VALUES ($1, $2, $3, $4, $5)
        """, code, Int16(ItemState.draft.rawValue), try draft.bytea(), draft.name, actor))
    try await db.audit(.create(Record.kind), target: target(code), detail: draft.name)
  }

  /// Replaces the record's draft.
  func update(_ code: String, draft: Record.Spec, by actor: String, auditDetail: String)
    async throws
  {
    try await db.perform(
      statement(
        """
        UPDATE \(tables.records) SET draft = $1, draft_name = $2, updated_at = now(),
          updated_by = $3 WHERE code = $4
        """, try draft.bytea(), draft.name, actor, code))
    try await db.audit(.updateDraft(Record.kind), target: target(code), detail: auditDetail)
  }

  /// Writes a new version with its audit line, and the name it is published under (nil for
  /// a cancellation); returns the statement that moves the record to the version, for the
  /// call to send last.
  func add(_ version: Record.Version, name: String?, effective: CivilDate) async throws
    -> PostgresQuery
  {
    try await Record.insert(version, effective: effective, on: db)
    let code = version.recordCode
    try await db.audit(
      version.cancels ? .cancel(Record.kind) : .publish(Record.kind), target: target(code),
      detail: "version \(version.version), effective \(effective): \(version.reasonNote)")
    if let name {
      try await db.perform(
        statement(
          """
          INSERT INTO \(tables.names) (name, \(tables.code)) VALUES ($1, $2)
          ON CONFLICT (name) DO NOTHING
          """, name, code))
    }
    let state: ItemState = version.cancels ? .cancelled : .published
    return statement(
      """
      UPDATE \(tables.records) SET state = $1, draft = NULL, draft_name = NULL,
        latest_version = $2, updated_at = now(), updated_by = $3
      WHERE code = $4
      """, Int16(state.rawValue), version.version, version.publishedBy, code)
  }

  /// A version the city published, taken into this district's catalog as the city's
  /// (FED-2): on its first version the record is created, marked with `owner`; a version
  /// taken before is passed (nil). A local record of the same code is not replaced: the
  /// event is refused, and parked for the operator. Returns the record's move to the
  /// version, for the caller to send with the district's own event.
  func take(_ version: Record.Version, name: String?, from owner: String) async throws
    -> PostgresQuery?
  {
    let code = version.recordCode
    guard version.version >= 1 else {
      throw ServiceError.invalidArgument(
        field: "version",
        message: "\(owner)'s \(Record.kind) \(code) has version \(version.version)")
    }
    let rows = try await db.prepared(
      statement(
        "SELECT owner, latest_version FROM \(tables.records) WHERE code = $1 FOR UPDATE", code))
    if let row = rows.first {
      let (existing, latest) = try row.decode((String?, Int32).self)
      guard existing == owner else {
        throw ServiceError.failedPrecondition(
          "\(Record.kind) \(code) is \(existing.map { "\($0)'s" } ?? "a local \(Record.kind) here"); \(owner)'s version \(version.version) cannot replace it"
        )
      }
      guard version.version > latest else { return nil }
    } else {
      try await db.perform(
        statement(
          """
          INSERT INTO \(tables.records) (code, state, updated_by, owner) VALUES ($1, $2, $3, $3)
          """, code, Int16(ItemState.published.rawValue), owner))
    }
    let effective = try Days.civil(version.effectiveDate, field: "effective_date")
    return try await add(version, name: name, effective: effective)
  }

  /// The record with its draft and latest version.
  func load(_ code: String) async throws -> Record {
    let rows = try await db.prepared(
      statement(
        """
        SELECT r.state, r.draft, r.updated_at, r.updated_by, v.body FROM \(tables.records) r
        LEFT JOIN \(tables.versions) v ON v.\(tables.code) = r.code
          AND v.version = r.latest_version
        WHERE r.code = $1
        """, code))
    guard let row = rows.first else { throw ServiceError.notFound("no \(Record.kind) \(code)") }
    let (state, draft, updatedAt, updatedBy, latest) = try row.decode(
      (Int16, ByteBuffer?, Date, String, ByteBuffer?).self)
    var record = Record()
    record.code = code
    record.state = Self.state(state)
    if let draft {
      record.draft = try Record.Spec(bytea: draft)
      record.hasDraft_p = true
    }
    if let latest { record.latestVersion = try Record.Version(bytea: latest) }
    record.updateTime = .init(date: updatedAt)
    record.updatedBy = updatedBy
    return record
  }

  /// Version `number` of the record, if it has one.
  func version(_ code: String, _ number: Int32) async throws -> Record.Version? {
    try await db.value(
      ByteBuffer.self,
      statement(
        "SELECT body FROM \(tables.versions) WHERE \(tables.code) = $1 AND version = $2",
        code, number)
    ).map(Record.Version.init(bytea:))
  }

  /// The version in force on `day` (cancelling or not), if one has taken effect by then.
  func inForce(_ code: String, on day: CivilDate) async throws -> Record.Version? {
    try await db.value(
      ByteBuffer.self,
      statement(
        """
        SELECT body FROM \(tables.versions) WHERE \(tables.code) = $1 AND effective_day <= $2
        ORDER BY effective_day DESC, version DESC LIMIT 1
        """, code, Int32(day.dayNumber))
    ).map(Record.Version.init(bytea:))
  }

  private func target(_ code: String) -> String { "\(Record.kind):\(code)" }

  private static func state(_ stored: Int16) -> ItemState {
    ItemState(rawValue: Int(stored)) ?? .unspecified
  }

  /// The kind's tables: `items`, `item_names`, `item_versions` keyed by `item_code`, and
  /// the same for bundles.
  private struct Tables {
    let records: String
    let names: String
    let versions: String
    let code: String

    init(_ kind: Publishable) {
      records = "\(kind.rawValue)s"
      names = "\(kind.rawValue)_names"
      versions = "\(kind.rawValue)_versions"
      code = "\(kind.rawValue)_code"
    }
  }
}
