import GRPCCore
import HallContracts
import HallServer
import SwiftProtobuf

/// Following cases (INT-11): the whole case with its timeline for those allowed to see it,
/// and listings scoped to the caller — a clerk's hall, an approver's department, an
/// applicant's own cases — with identifiers masked (SEC-2).
extension IntakeHandlers {
  func getCase(request: GetCaseRequest, context: ServerContext) async throws -> Case {
    let kase = try await service.read { db in try await CaseStore(db: db).get(request.caseNumber) }
    try CaseAccess.requireRead(kase)
    return kase
  }

  func listCases(request: ListCasesRequest, context: ServerContext) async throws
    -> ListCasesResponse
  {
    let principal = try Caller.required()
    let size = try Paging.size(request.pageSize, default: 50, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    if case .UNRECOGNIZED = request.state {
      throw ServiceError.invalidArgument(field: "state", message: "is not a case state")
    }
    let filter = try CaseAccess.listing(request, by: principal)
    let rows = try await service.read { db in
      try await CaseStore(db: db).list(filter, after: after, limit: size + 1)
    }
    let page = Page(rows, size: size, key: \.caseNumber)
    return .with {
      $0.cases = page.items.map(CaseAccess.listed)
      $0.nextPageToken = page.nextToken
    }
  }
}
