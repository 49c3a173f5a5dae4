import GRPCCore
import HallContracts
import HallServer

/// Reading supervised cases (SUP-1, SUP-2) and the combined query across departments, cases
/// and anomalies (SUP-10).
extension SupervisionHandlers {
  func getCase(request: GetCaseRequest, context: ServerContext) async throws -> SupervisedCase {
    try await service.read { db in
      guard var kase = try await CaseStore(db: db).find(request.caseNumber) else {
        throw ServiceError.notFound("supervision has no case \(request.caseNumber)")
      }
      try Self.visible(record: kase.departmentID)
      kase.anomalyIds =
        try await AnomalyStore(db: db).ids(of: [kase.caseNumber])[
          kase.caseNumber] ?? []
      return kase
    }
  }

  func queryCases(request: QueryCasesRequest, context: ServerContext) async throws
    -> QueryCasesResponse
  {
    var request = request
    request.regionCode = try Caller.visibleRegion(asked: request.regionCode)
    let listing = try Listing(
      request, from: (request.receivedFrom, "received_from"),
      to: (request.receivedTo, "received_to"))
    return try await service.read { db in
      let anomalies = AnomalyStore(db: db)
      let (cases, next) = listing.page(
        try await CaseStore(db: db).page(request, listing), key: \.caseNumber)
      let ids = try await anomalies.ids(of: cases.map(\.caseNumber))
      var response = QueryCasesResponse()
      response.cases = cases.map { kase in
        var kase = kase
        kase.anomalyIds = ids[kase.caseNumber] ?? []
        return kase
      }
      response.anomalies = try await anomalies.anomalies(response.cases.flatMap(\.anomalyIds))
      response.nextPageToken = next
      return response
    }
  }
}
