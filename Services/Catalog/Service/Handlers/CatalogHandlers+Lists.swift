import GRPCCore
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Departments (CAT-1), the certificate list (CAT-4) and the intermediary-service list
/// (CAT-5): the things items point at.
extension CatalogHandlers {
  func createDepartment(request: CreateDepartmentRequest, context: ServerContext) async throws
    -> Department
  {
    var department = try ListRules.department(request.department)
    return try await service.change(request.requestID, context) { db in
      guard try await !db.lists.departmentClashes(id: department.id, name: department.name)
      else {
        throw ServiceError.alreadyExists(
          "a department with id \(department.id) or name \(department.name) exists")
      }
      department.createTime = .init(date: try await db.lists.create(department, by: Caller.actor))
      return Change(
        department,
        events: [CatalogEvent.departmentCreated.entry(department.id, department, at: clock.now)])
    }
  }

  func getDepartment(request: GetDepartmentRequest, context: ServerContext) async throws
    -> Department
  {
    let department = try await service.read { db in try await db.lists.department(request.id) }
    guard let department else { throw ServiceError.notFound("no department \(request.id)") }
    return department
  }

  func listDepartments(request: ListDepartmentsRequest, context: ServerContext) async throws
    -> ListDepartmentsResponse
  {
    let (departments, next) = try await page(
      request.pageSize, default: 100, max: 500, token: request.pageToken, key: \Department.id
    ) { db, after, limit in
      try await db.lists.departments(
        after: after ?? "", region: request.regionCode, level: Int16(request.level.rawValue),
        limit: limit)
    }
    return .with {
      $0.departments = departments
      $0.nextPageToken = next
    }
  }

  func createCertificate(request: CreateCertificateRequest, context: ServerContext)
    async throws -> Certificate
  {
    let certificate = request.certificate
    try ListRules.validate(certificate)
    return try await add(
      certificate, to: .certificates, id: certificate.id, name: certificate.name,
      event: .certificateCreated, requestID: request.requestID, context: context)
  }

  func listCertificates(request: ListCertificatesRequest, context: ServerContext) async throws
    -> ListCertificatesResponse
  {
    let (entries, next): ([Certificate], String) = try await entries(
      .certificates, pageSize: request.pageSize, pageToken: request.pageToken)
    return .with {
      $0.certificates = entries
      $0.nextPageToken = next
    }
  }

  func createIntermediaryService(
    request: CreateIntermediaryServiceRequest, context: ServerContext
  ) async throws -> IntermediaryService {
    let entry = request.intermediaryService
    try ListRules.validate(entry)
    return try await add(
      entry, to: .intermediaryServices, id: entry.id, name: entry.name,
      departmentID: entry.departmentID, event: .intermediaryServiceCreated,
      requestID: request.requestID, context: context)
  }

  func listIntermediaryServices(
    request: ListIntermediaryServicesRequest, context: ServerContext
  ) async throws -> ListIntermediaryServicesResponse {
    let (entries, next): ([IntermediaryService], String) = try await entries(
      .intermediaryServices, pageSize: request.pageSize, pageToken: request.pageToken)
    return .with {
      $0.intermediaryServices = entries
      $0.nextPageToken = next
    }
  }

  // MARK: - Shared steps

  /// Adds an entry to its list under an id and a name no entry has; an intermediary
  /// service's department must exist.
  private func add<Entry: SwiftProtobuf.Message & Sendable>(
    _ entry: Entry, to table: ListStore.Table, id: String, name: String,
    departmentID: String? = nil, event: CatalogEvent, requestID: String, context: ServerContext
  ) async throws -> Entry {
    try await service.change(requestID, context) { db in
      if let departmentID, try await !db.lists.departmentExists(departmentID) {
        throw ServiceError.invalidArgument(
          field: "intermediary_service.department_id", message: "no department \"\(departmentID)\"")
      }
      guard try await !db.lists.entryClashes(table, id: id, name: name) else {
        throw ServiceError.alreadyExists("an entry with id \(id) or name \(name) is on the list")
      }
      try await db.lists.add(
        table, id: id, name: name, departmentID: departmentID, body: entry, by: Caller.actor)
      return Change(entry, events: [event.entry(id, entry, at: clock.now)])
    }
  }

  /// A page of a list, and the token of the next page (empty on the last).
  private func entries<Entry: SwiftProtobuf.Message>(
    _ table: ListStore.Table, pageSize: Int32, pageToken: String
  ) async throws -> ([Entry], String) {
    let (rows, next) = try await page(
      pageSize, default: 100, max: 500, token: pageToken, key: { $0.id }
    ) { db, after, limit -> [(id: String, entry: Entry)] in
      try await db.lists.entries(table, after: after ?? "", limit: limit)
    }
    return (rows.map(\.entry), next)
  }
}
