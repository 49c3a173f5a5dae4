import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// What supervision keeps of the catalog's feed: departments (their region, for the figures
/// by region), the item version last published (to check reported cases) and the working
/// calendar. When the calendar changes, every open case is judged again.
struct CatalogReplica {
  let db: Database

  /// The catalog's event types this replica applies.
  enum EventType: String {
    case departmentCreated = "catalog.department.created"
    case itemVersionPublished = "catalog.item_version.published"
  }

  static let eventTypes =
    ["catalog.item_version.", "catalog.department."] + CalendarReplica.eventTypes

  func apply(_ event: FeedEvent) async throws {
    switch EventType(rawValue: event.type) {
    case .departmentCreated:
      try await put(try Department(unpackingAny: event.payload))
    case .itemVersionPublished:
      try await put(try ItemVersion(unpackingAny: event.payload))
    case nil:
      if try await CalendarReplica.apply(event, on: db) {
        try await CaseStore(db: db).recheckOpen()
      }
    }
  }

  func put(_ department: Department) async throws {
    _ = try await db.query(
      """
      INSERT INTO departments (id, name, region_code)
      VALUES (\(department.id), \(department.name), \(department.regionCode))
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code
      """)
  }

  func put(_ version: ItemVersion) async throws {
    let spec = version.spec
    _ = try await db.query(
      """
      INSERT INTO items (item_code, name, department_id, case_kind, promised_working_days,
        max_visits, fee_fen, cancelled)
      VALUES (\(version.itemCode), \(spec.name), \(spec.departmentID),
        \(Int16(spec.caseKind.rawValue)), \(Int(spec.promisedLimitWorkingDays)),
        \(Int(spec.maxVisits)), \(spec.fee.charged ? spec.fee.amountFen : 0), \(version.cancels))
      ON CONFLICT (item_code) DO UPDATE SET name = excluded.name,
        department_id = excluded.department_id, case_kind = excluded.case_kind,
        promised_working_days = excluded.promised_working_days,
        max_visits = excluded.max_visits, fee_fen = excluded.fee_fen,
        cancelled = excluded.cancelled
      """)
  }

  /// The department's region, or nil when the catalog has announced no such department.
  func region(of department: String) async throws -> String? {
    try await db.query("SELECT region_code FROM departments WHERE id = \(department)").first?
      .decode(String.self)
  }

  /// Every department's region, by id.
  func regions() async throws -> [String: String] {
    var regions: [String: String] = [:]
    for row in try await db.query("SELECT id, region_code FROM departments") {
      let (id, region) = try row.decode((String, String).self)
      regions[id] = region
    }
    return regions
  }

  /// The names of the departments of `ids` the catalog has announced.
  func names(of ids: [String]) async throws -> [String: String] {
    var names: [String: String] = [:]
    for row in try await db.query("SELECT id, name FROM departments WHERE id = ANY(\(ids))") {
      let (id, name) = try row.decode((String, String).self)
      names[id] = name
    }
    return names
  }

  /// The items in force (not cancelled), by code, as a reported case is checked against them.
  func itemsInForce() async throws -> [String: CaseReports.Item] {
    var items: [String: CaseReports.Item] = [:]
    for row in try await db.query(
      """
      SELECT item_code, name, department_id, max_visits, fee_fen FROM items WHERE NOT cancelled
      """)
    {
      let (code, name, department, visits, fee) = try row.decode(
        (String, String, String, Int32, Int64).self)
      items[code] = .init(name: name, departmentID: department, maxVisits: visits, feeFen: fee)
    }
    return items
  }
}
