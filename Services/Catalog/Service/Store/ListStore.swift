import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// Departments (CAT-1), the certificate list (CAT-4) and the intermediary-service list
/// (CAT-5): the things items point at. Entries are never deleted.
struct ListStore: Sendable {
  let db: Database

  /// The certificate list and the intermediary-service list share one shape: an id, a
  /// unique name and the entry's protobuf bytes (an intermediary service also names its
  /// department).
  enum Table: String {
    case certificates
    case intermediaryServices = "intermediary_services"
  }

  /// The ids a spec may point at.
  func references() async throws -> ItemReferences {
    var references = ItemReferences(
      departmentIDs: [], certificateIDs: [], intermediaryServiceIDs: [])
    let rows = try await db.prepared(
      """
      SELECT 'd', id FROM departments UNION ALL SELECT 'c', id FROM certificates
      UNION ALL SELECT 'i', id FROM intermediary_services
      """)
    for row in rows {
      let (kind, id) = try row.decode((String, String).self)
      switch kind {
      case "d": references.departmentIDs.insert(id)
      case "c": references.certificateIDs.insert(id)
      default: references.intermediaryServiceIDs.insert(id)
      }
    }
    return references
  }

  // MARK: - Departments

  func departmentExists(_ id: String) async throws -> Bool {
    try await !db.prepared("SELECT 1 FROM departments WHERE id = \(id)").isEmpty
  }

  /// Whether a department has this id or this name.
  func departmentClashes(id: String, name: String) async throws -> Bool {
    try await !db.prepared("SELECT id FROM departments WHERE id = \(id) OR name = \(name)")
      .isEmpty
  }

  /// Stores a new department; returns when it was created.
  func create(_ department: Department, by actor: String) async throws -> Date {
    let rows = try await db.prepared(
      """
      INSERT INTO departments (id, name, region_code, level, created_by)
      VALUES (\(department.id), \(department.name), \(department.regionCode),
              \(Int16(department.level.rawValue)), \(actor))
      RETURNING created_at
      """)
    try await db.audit(.createDepartment, target: "department:\(department.id)")
    return try rows[0].decode(Date.self)
  }

  /// A department of the city, taken into this district's catalog as the city's (FED-2);
  /// false when it was taken before. A local department with its id is not replaced.
  func take(_ department: Department, from owner: String) async throws -> Bool {
    if let row = try await db.prepared(
      "SELECT owner FROM departments WHERE id = \(department.id)"
    ).first {
      let existing = try row.decode(String?.self)
      guard existing == owner else {
        throw ServiceError.failedPrecondition(
          "department \(department.id) is a local department here; \(owner)'s cannot replace it")
      }
      return false
    }
    try await db.perform(
      """
      INSERT INTO departments (id, name, region_code, level, created_by, owner)
      VALUES (\(department.id), \(department.name), \(department.regionCode),
              \(Int16(department.level.rawValue)), \(owner), \(owner))
      """)
    try await db.audit(.createDepartment, target: "department:\(department.id)", detail: owner)
    return true
  }

  func department(_ id: String) async throws -> Department? {
    try await db.prepared(
      "SELECT id, name, region_code, level, created_at FROM departments WHERE id = \(id)"
    ).first.map(Self.department)
  }

  /// Up to `limit` departments with ids after `after`, in a region and at a level when
  /// those are given (empty, 0: any).
  func departments(after: String, region: String, level: Int16, limit: Int) async throws
    -> [Department]
  {
    try await db.prepared(
      """
      SELECT id, name, region_code, level, created_at FROM departments
      WHERE id > \(after) AND (\(region) = '' OR region_code = \(region))
        AND (\(level) = 0 OR level = \(level))
      ORDER BY id LIMIT \(limit)
      """
    ).map(Self.department)
  }

  private static func department(_ row: PostgresRow) throws -> Department {
    let (id, name, region, level, created) = try row.decode(
      (String, String, String, Int16, Date).self)
    return .with {
      $0.id = id
      $0.name = name
      $0.regionCode = region
      $0.level = .init(rawValue: Int(level)) ?? .unspecified
      $0.createTime = .init(date: created)
    }
  }

  // MARK: - Certificates and intermediary services

  /// Whether an entry of the list has this id or this name.
  func entryClashes(_ table: Table, id: String, name: String) async throws -> Bool {
    try await !db.prepared(
      statement("SELECT 1 FROM \(table.rawValue) WHERE id = $1 OR name = $2", id, name)
    ).isEmpty
  }

  /// Adds an entry to the list.
  func add(
    _ table: Table, id: String, name: String, departmentID: String?,
    body: some SwiftProtobuf.Message, by actor: String
  ) async throws {
    let bytes = try body.bytea()
    if let departmentID {
      try await db.perform(
        statement(
          """
          INSERT INTO \(table.rawValue) (id, name, body, created_by, department_id)
          VALUES ($1, $2, $3, $4, $5)
          """, id, name, bytes, actor, departmentID))
    } else {
      try await db.perform(
        statement(
          "INSERT INTO \(table.rawValue) (id, name, body, created_by) VALUES ($1, $2, $3, $4)",
          id, name, bytes, actor))
    }
    try await db.audit(.createListEntry, target: "\(table.rawValue):\(id)")
  }

  /// An entry of the city's list, taken into this district's as the city's (FED-2); false
  /// when it was taken before. A local entry with its id is not replaced.
  func take(
    _ table: Table, id: String, name: String, departmentID: String?,
    body: some SwiftProtobuf.Message, from owner: String
  ) async throws -> Bool {
    if let row = try await db.prepared(
      statement("SELECT owner FROM \(table.rawValue) WHERE id = $1", id)
    ).first {
      guard try row.decode(String?.self) == owner else {
        throw ServiceError.failedPrecondition(
          "\(table.rawValue) \(id) is a local entry here; \(owner)'s cannot replace it")
      }
      return false
    }
    try await add(table, id: id, name: name, departmentID: departmentID, body: body, by: owner)
    try await db.perform(
      statement("UPDATE \(table.rawValue) SET owner = $1 WHERE id = $2", owner, id))
    return true
  }

  /// Up to `limit` entries of the list with ids after `after`, in id order.
  func entries<Entry: SwiftProtobuf.Message>(_ table: Table, after: String, limit: Int)
    async throws -> [(id: String, entry: Entry)]
  {
    try await db.prepared(
      statement(
        "SELECT id, body FROM \(table.rawValue) WHERE id > $1 ORDER BY id LIMIT $2", after,
        limit)
    ).map { row in
      let (id, body) = try row.decode((String, ByteBuffer).self)
      return (id, try Entry(bytea: body))
    }
  }
}
