import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// Reading supervised cases (SUP-1, SUP-2) and the combined query across departments, cases
/// and anomalies (SUP-10).
extension SupervisionRPC {
  func getCase(
    request: Hall_Supervision_V1_GetCaseRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_SupervisedCase {
    let rows = try await db.query(
      "SELECT body FROM cases WHERE case_number = \(request.caseNumber)", logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("supervision has no case \(request.caseNumber)")
    }
    var kase = try Hall_Supervision_V1_SupervisedCase(bytea: try row.decode(ByteBuffer.self))
    _ = try Self.visibleDepartmentOf(record: kase.departmentID)
    kase.anomalyIds = try await anomalyIDs(of: [kase.caseNumber])[kase.caseNumber] ?? []
    return kase
  }

  func queryCases(
    request: Hall_Supervision_V1_QueryCasesRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_QueryCasesResponse {
    let department = try Self.visibleDepartment(asked: request.departmentID)
    let size = try Paging.size(request.pageSize, default: 50, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let from = try Self.instant(request.receivedFrom, field: "received_from")
    let to = try Self.instant(request.receivedTo, field: "received_to")
    let timeliness = Int16(request.timeliness.rawValue)
    let source = Int16(request.source.rawValue)
    let rows = try await db.query(
      """
      SELECT case_number, body FROM cases
      WHERE case_number > \(after)
        AND (\(department) = '' OR department_id = \(department))
        AND (\(request.regionCode) = '' OR region_code = \(request.regionCode))
        AND (\(request.itemCode) = '' OR item_code = \(request.itemCode))
        AND (\(timeliness) = 0 OR timeliness = \(timeliness))
        AND (NOT \(request.openOnly) OR open)
        AND (NOT \(request.withAnomalies) OR anomalies > 0)
        AND (\(from)::timestamptz IS NULL OR receive_time >= \(from))
        AND (\(to)::timestamptz IS NULL OR receive_time < \(to))
        AND (\(source) = 0 OR source = \(source))
      ORDER BY case_number LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Supervision_V1_QueryCasesResponse()
    for row in rows.prefix(size) {
      let (_, body) = try row.decode((String, ByteBuffer).self)
      response.cases.append(try Hall_Supervision_V1_SupervisedCase(bytea: body))
    }
    let ids = try await anomalyIDs(of: response.cases.map(\.caseNumber))
    for index in response.cases.indices {
      response.cases[index].anomalyIds = ids[response.cases[index].caseNumber] ?? []
    }
    let all = response.cases.flatMap(\.anomalyIds)
    if !all.isEmpty {
      let anomalies = try await db.query(
        "SELECT id, body FROM anomalies WHERE id = ANY(\(all))", logger: logger
      ).collect()
      var byID: [String: Hall_Supervision_V1_Anomaly] = [:]
      for row in anomalies {
        let (id, body) = try row.decode((String, ByteBuffer).self)
        byID[id] = try Hall_Supervision_V1_Anomaly(bytea: body)
      }
      response.anomalies = all.compactMap { byID[$0] }
    }
    if rows.count > size {
      response.nextPageToken = Paging.token(after: response.cases.last?.caseNumber)
    }
    return response
  }

  /// The anomalies raised on each case, oldest first.
  func anomalyIDs(of cases: [String]) async throws -> [String: [String]] {
    guard !cases.isEmpty else { return [:] }
    var ids: [String: [String]] = [:]
    let rows = try await db.query(
      """
      SELECT case_number, id FROM anomalies WHERE case_number = ANY(\(cases))
      ORDER BY raise_time, id
      """, logger: logger)
    for try await (number, id) in rows.decode((String, String).self) {
      ids[number, default: []].append(id)
    }
    return ids
  }

  /// A record of `department` may be read by a supervisor or that department's staff.
  @discardableResult
  static func visibleDepartmentOf(record department: String) throws(ServiceError) -> String {
    let principal = try caller
    guard principal.role == .supervisor || principal.departmentID == department else {
      throw .permissionDenied("the record belongs to department \(department)")
    }
    return department
  }

  /// The start of a China Standard Time day, or nil when the date is unset.
  static func instant(_ date: Hall_Common_V1_CivilDate, field: String) throws(ServiceError)
    -> Date?
  {
    guard !Days.isUnset(date) else { return nil }
    return try Days.civil(date, field: field).instant(at: try! TimeOfDay(hour: 0))
  }
}
