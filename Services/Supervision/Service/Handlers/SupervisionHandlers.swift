import GRPCCore
import HallAuth
import HallContracts
import HallServer

/// The contract of the supervision service (SUP-1 to SUP-10), one method per RPC: the
/// cases and the combined query, anomalies with their appeals and follow-up, figures and the
/// monthly report, the rules and the score model, data reporting and exports.
struct SupervisionHandlers: SupervisionContract.SimpleServiceProtocol {
  let service: ServiceContext
  let rules: SupervisionRules

  /// A record of `department` may be read by a supervisor or that department's staff.
  static func visible(record department: String) throws(ServiceError) {
    let principal = try Caller.required()
    guard principal.role == .supervisor || principal.departmentID == department else {
      throw .permissionDenied("the record belongs to department \(department)")
    }
  }
}

/// A listing of the contract: it asks for a department and a page.
protocol ListingRequest {
  var departmentID: String { get }
  var pageSize: Int32 { get }
  var pageToken: String { get }
}

extension QueryCasesRequest: ListingRequest {}
extension ListAnomaliesRequest: ListingRequest {}

extension Listing {
  /// The listing `request` asks for, of the department the caller may see.
  init(
    _ request: some ListingRequest, from: (date: ContractDate, field: String),
    to: (date: ContractDate, field: String)
  ) throws(ServiceError) {
    try self.init(
      department: try Caller.visibleDepartment(asked: request.departmentID),
      pageSize: request.pageSize, pageToken: request.pageToken, from: from, to: to)
  }
}
