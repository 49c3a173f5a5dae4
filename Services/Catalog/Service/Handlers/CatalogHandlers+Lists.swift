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

/// Departments (CAT-1), the certificate list (CAT-4) and the intermediary-service list
/// (CAT-5): the things items point at.
extension CatalogRPC {
  func createDepartment(
    request: Hall_Catalog_V1_CreateDepartmentRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Department {
    var department = request.department
    try ItemValidator.validateCode(department.id, field: "department.id")
    try Text.require(department.name, field: "department.name", max: 200)
    guard department.regionCode.count == 6, department.regionCode.allSatisfy(\.isASCII),
      department.regionCode.allSatisfy(\.isNumber)
    else {
      throw ServiceError.invalidArgument(
        field: "department.region_code", message: "must be a 6-digit GB/T 2260 division code")
    }
    guard
      [.city, .county, .township, .village, .provincial, .national].contains(department.level)
    else {
      throw ServiceError.invalidArgument(
        field: "department.level", message: "must be CITY, COUNTY, TOWNSHIP or VILLAGE")
    }
    department.name = department.name.trimmed
    return try await Idempotency.once(
      requestID: request.requestID, method: "CreateDepartment", client: db, logger: logger
    ) { connection in
      let clash = try await connection.query(
        "SELECT id FROM departments WHERE id = \(department.id) OR name = \(department.name)",
        logger: logger
      ).collect()
      guard clash.isEmpty else {
        throw ServiceError.alreadyExists(
          "a department with id \(department.id) or name \(department.name) exists")
      }
      let rows = try await connection.query(
        """
        INSERT INTO departments (id, name, region_code, level, created_by)
        VALUES (\(department.id), \(department.name), \(department.regionCode),
                \(Int16(department.level.rawValue)), \(actor))
        RETURNING created_at
        """, logger: logger
      ).collect()
      department.createTime = .init(date: try rows[0].decode(Date.self))
      try await Audit.record(
        "create_department", target: "department:\(department.id)", on: connection, logger: logger)
      try await Outbox.append(
        type: "catalog.department.created", aggregateID: department.id, payload: department,
        at: clock.now, on: connection, logger: logger)
      return department
    }
  }

  func getDepartment(
    request: Hall_Catalog_V1_GetDepartmentRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Department {
    let rows = try await db.query(
      "SELECT id, name, region_code, level, created_at FROM departments WHERE id = \(request.id)",
      logger: logger
    ).collect()
    guard let row = rows.first else { throw ServiceError.notFound("no department \(request.id)") }
    return try Self.department(row)
  }

  func listDepartments(
    request: Hall_Catalog_V1_ListDepartmentsRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ListDepartmentsResponse {
    let size = try Paging.size(request.pageSize, default: 100, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let region = request.regionCode
    let level = Int16(request.level.rawValue)
    let rows = try await db.query(
      """
      SELECT id, name, region_code, level, created_at FROM departments
      WHERE id > \(after) AND (\(region) = '' OR region_code = \(region))
        AND (\(level) = 0 OR level = \(level))
      ORDER BY id LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Catalog_V1_ListDepartmentsResponse()
    response.departments = try rows.prefix(size).map(Self.department)
    if rows.count > size {
      response.nextPageToken = Paging.token(after: response.departments.last?.id)
    }
    return response
  }

  static func department(_ row: PostgresRow) throws -> Hall_Catalog_V1_Department {
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

  func createCertificate(
    request: Hall_Catalog_V1_CreateCertificateRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Certificate {
    let certificate = request.certificate
    try ItemValidator.validateCode(certificate.id, field: "certificate.id")
    try Text.require(certificate.name, field: "certificate.name", max: 200)
    try Text.require(certificate.legalBasis, field: "certificate.legal_basis", max: 4000)
    try Text.require(certificate.requestingUnit, field: "certificate.requesting_unit", max: 200)
    try Text.require(certificate.issuingUnit, field: "certificate.issuing_unit", max: 200)
    return try await Idempotency.once(
      requestID: request.requestID, method: "CreateCertificate", client: db, logger: logger
    ) { connection in
      try await insertListEntry(
        table: "certificates", id: certificate.id, name: certificate.name, departmentID: nil,
        body: certificate, connection: connection)
      try await Outbox.append(
        type: "catalog.certificate.created", aggregateID: certificate.id, payload: certificate,
        at: clock.now, on: connection, logger: logger)
      return certificate
    }
  }

  func listCertificates(
    request: Hall_Catalog_V1_ListCertificatesRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ListCertificatesResponse {
    let (entries, next): ([Hall_Catalog_V1_Certificate], String) = try await listEntries(
      table: "certificates", pageSize: request.pageSize, pageToken: request.pageToken)
    return .with {
      $0.certificates = entries
      $0.nextPageToken = next
    }
  }

  func createIntermediaryService(
    request: Hall_Catalog_V1_CreateIntermediaryServiceRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_IntermediaryService {
    let entry = request.intermediaryService
    try ItemValidator.validateCode(entry.id, field: "intermediary_service.id")
    try Text.require(entry.name, field: "intermediary_service.name", max: 200)
    try Text.require(entry.legalBasis, field: "intermediary_service.legal_basis", max: 4000)
    return try await Idempotency.once(
      requestID: request.requestID, method: "CreateIntermediaryService", client: db,
      logger: logger
    ) { connection in
      let departments = try await connection.query(
        "SELECT 1 FROM departments WHERE id = \(entry.departmentID)", logger: logger
      ).collect()
      guard !departments.isEmpty else {
        throw ServiceError.invalidArgument(
          field: "intermediary_service.department_id",
          message: "no department \"\(entry.departmentID)\"")
      }
      try await insertListEntry(
        table: "intermediary_services", id: entry.id, name: entry.name,
        departmentID: entry.departmentID, body: entry, connection: connection)
      try await Outbox.append(
        type: "catalog.intermediary_service.created", aggregateID: entry.id, payload: entry,
        at: clock.now, on: connection, logger: logger)
      return entry
    }
  }

  func listIntermediaryServices(
    request: Hall_Catalog_V1_ListIntermediaryServicesRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ListIntermediaryServicesResponse {
    let (entries, next): ([Hall_Catalog_V1_IntermediaryService], String) = try await listEntries(
      table: "intermediary_services", pageSize: request.pageSize, pageToken: request.pageToken)
    return .with {
      $0.intermediaryServices = entries
      $0.nextPageToken = next
    }
  }

  /// Both lists share one shape: an id, a unique name and the entry's protobuf bytes.
  private func insertListEntry(
    table: String, id: String, name: String, departmentID: String?,
    body: some SwiftProtobuf.Message, connection: PostgresConnection
  ) async throws {
    var query = PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table) WHERE id = $1 OR name = $2")
    query.binds.append(id)
    query.binds.append(name)
    guard try await connection.query(query, logger: logger).collect().isEmpty else {
      throw ServiceError.alreadyExists("an entry with id \(id) or name \(name) is on the list")
    }
    let columns = departmentID == nil ? "" : ", department_id"
    let values = departmentID == nil ? "" : ", $5"
    var insert = PostgresQuery(
      unsafeSQL:
        "INSERT INTO \(table) (id, name, body, created_by\(columns)) VALUES ($1, $2, $3, $4\(values))"
    )
    insert.binds.append(id)
    insert.binds.append(name)
    insert.binds.append(try body.bytea())
    insert.binds.append(actor)
    if let departmentID { insert.binds.append(departmentID) }
    try await connection.query(insert, logger: logger)
    try await Audit.record("create", target: "\(table):\(id)", on: connection, logger: logger)
  }

  private func listEntries<Entry: SwiftProtobuf.Message>(
    table: String, pageSize: Int32, pageToken: String
  ) async throws -> ([Entry], String) {
    let size = try Paging.size(pageSize, default: 100, max: 500)
    var query = PostgresQuery(
      unsafeSQL: "SELECT id, body FROM \(table) WHERE id > $1 ORDER BY id LIMIT $2")
    query.binds.append(try Paging.afterKey(pageToken) ?? "")
    query.binds.append(size + 1)
    let rows = try await db.query(query, logger: logger).collect()
    var entries: [Entry] = []
    var lastID: String?
    for row in rows.prefix(size) {
      let (id, body) = try row.decode((String, ByteBuffer).self)
      entries.append(try Entry(bytea: body))
      lastID = id
    }
    return (entries, rows.count > size ? Paging.token(after: lastID) : "")
  }
}
