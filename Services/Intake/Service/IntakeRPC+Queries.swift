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

/// Following cases (INT-11): the whole case with its timeline for those allowed to see it,
/// and listings scoped to the caller — a clerk's hall, an approver's department, an
/// applicant's own cases — with identifiers masked (SEC-2).
extension IntakeRPC {
  func getCase(
    request: Hall_Intake_V1_GetCaseRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_Case {
    guard !request.caseNumber.isEmpty else {
      throw ServiceError.invalidArgument(field: "case_number", message: "is required")
    }
    let rows = try await db.query(
      "SELECT body FROM cases WHERE case_number = \(request.caseNumber)", logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("case \(request.caseNumber) does not exist")
    }
    let kase = try Hall_Intake_V1_Case(bytea: try row.decode(ByteBuffer.self))
    try CaseAccess.requireRead(kase)
    return kase
  }

  func listCases(
    request: Hall_Intake_V1_ListCasesRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_ListCasesResponse {
    let principal = try CaseAccess.caller
    let size = try Paging.size(request.pageSize, default: 50, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    if case .UNRECOGNIZED = request.state {
      throw ServiceError.invalidArgument(field: "state", message: "is not a case state")
    }
    // The caller's scope, as fixed filters: '' means unrestricted.
    var hall = request.hallID
    var department = request.departmentID
    var person = ""
    // Online cases nobody has accepted yet wait for any hall's clerks.
    var unclaimed = false
    switch principal.role {
    case .applicant:
      person = principal.subject
    case .clerk:
      guard hall.isEmpty || hall == principal.hallID else {
        throw ServiceError.permissionDenied("a clerk lists the cases of their own hall")
      }
      hall = principal.hallID ?? "-"
      unclaimed = request.hallID.isEmpty
    case .approver, .departmentAdmin:
      guard department.isEmpty || department == principal.departmentID else {
        throw ServiceError.permissionDenied("an approver lists the cases of their own department")
      }
      department = principal.departmentID ?? "-"
    default:
      break
    }
    let state = Int16(request.state.rawValue)
    let rows = try await db.query(
      """
      SELECT case_number, body FROM cases
      WHERE case_number > \(after)
        AND (\(state) = 0 OR state = \(state))
        AND (\(hall) = '' OR hall_id = \(hall) OR (\(unclaimed) AND hall_id = ''))
        AND (\(department) = '' OR department_id = \(department))
        AND (\(request.itemCode) = '' OR item_code = \(request.itemCode))
        AND (\(person) = '' OR applicant_id = \(person) OR agent_id = \(person))
        AND (NOT \(request.openOnly) OR open)
      ORDER BY case_number LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Intake_V1_ListCasesResponse()
    for row in rows.prefix(size) {
      let (_, body) = try row.decode((String, ByteBuffer).self)
      response.cases.append(CaseStore.listed(try Hall_Intake_V1_Case(bytea: body)))
    }
    if rows.count > size {
      response.nextPageToken = Paging.token(after: response.cases.last?.caseNumber)
    }
    return response
  }
}
