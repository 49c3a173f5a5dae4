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

/// Public guides (CAT-9): what applicants read online and at the window is the same record,
/// the item version in force on the day.
extension CatalogRPC {
  func getGuide(
    request: Hall_Catalog_V1_GetGuideRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Guide {
    let day =
      Days.isUnset(request.asOf) ? clock.today : try Days.civil(request.asOf, field: "as_of")
    let rows = try await db.query(
      """
      SELECT v.body, d.name FROM item_versions v JOIN departments d ON d.id = v.department_id
      WHERE v.item_code = \(request.itemCode) AND v.effective_day <= \(Int32(day.dayNumber))
      ORDER BY v.effective_day DESC, v.version DESC LIMIT 1
      """, logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("no guide of item \(request.itemCode) is in force on \(day)")
    }
    let (body, departmentName) = try row.decode((ByteBuffer, String).self)
    let version = try Hall_Catalog_V1_ItemVersion(bytea: body)
    guard !version.cancels else {
      throw ServiceError.notFound(
        "item \(request.itemCode) is cancelled from \(version.effectiveDate.year)-\(version.effectiveDate.month)-\(version.effectiveDate.day)"
      )
    }
    return .with {
      $0.version = version
      $0.departmentName = departmentName
    }
  }

  func searchGuides(
    request: Hall_Catalog_V1_SearchGuidesRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_SearchGuidesResponse {
    let size = try Paging.size(request.pageSize, default: 20, max: 100)
    guard request.keyword.count <= 50 else {
      throw ServiceError.invalidArgument(field: "keyword", message: "is longer than 50 characters")
    }
    if case .UNRECOGNIZED = request.level {
      throw ServiceError.invalidArgument(field: "level", message: "is not a known level")
    }
    if case .UNRECOGNIZED = request.channel {
      throw ServiceError.invalidArgument(field: "channel", message: "is not a known channel")
    }
    // The page token says which list the previous page ended in: "b:CODE" or "i:CODE".
    let after = try Paging.afterKey(request.pageToken)
    if let after, !(after.hasPrefix("b:") || after.hasPrefix("i:")) {
      throw ServiceError.invalidArgument(
        field: "page_token", message: "is not a token this service issued")
    }
    let bundlesApply = request.level == .unspecified && request.channel == .unspecified
    var response = Hall_Catalog_V1_SearchGuidesResponse()
    if bundlesApply, after == nil || after!.hasPrefix("b:") {
      let bundles = try await searchBundles(
        request, after: after.map { String($0.dropFirst(2)) } ?? "", limit: size + 1)
      response.guides = Array(bundles.prefix(size))
      if bundles.count > size {
        response.nextPageToken = Paging.token(after: "b:" + response.guides.last!.bundle.bundleCode)
        return response
      }
    }
    let itemsAfter = after.flatMap { $0.hasPrefix("i:") ? String($0.dropFirst(2)) : nil } ?? ""
    let room = size - response.guides.count
    let items = try await searchItems(request, after: itemsAfter, limit: room + 1)
    response.guides += items.prefix(room)
    if items.count > room {
      response.nextPageToken = Paging.token(after: "i:" + response.guides.last!.version.itemCode)
    }
    return response
  }

  private func searchItems(
    _ request: Hall_Catalog_V1_SearchGuidesRequest, after: String, limit: Int
  ) async throws -> [Hall_Catalog_V1_Guide] {
    guard limit > 0 else { return [] }
    let today = Int32(clock.today.dayNumber)
    // Conditions are added only when asked for, so each search gets the plan its filters
    // deserve (the gram index for keywords, the department index for departments).
    var sql = """
      SELECT v.body, d.name FROM item_versions v
      JOIN departments d ON d.id = v.department_id
      WHERE v.effective_day <= $1 AND NOT v.cancels AND v.item_code > $2
        AND NOT EXISTS (
          SELECT 1 FROM item_versions n WHERE n.item_code = v.item_code
            AND n.effective_day <= $1
            AND (n.effective_day, n.version) > (v.effective_day, v.version))
      """
    var binds = PostgresBindings()
    binds.append(today)
    binds.append(after)
    SearchGrams.addCondition(for: request.keyword, to: &sql, binds: &binds)
    if !request.departmentID.isEmpty {
      binds.append(request.departmentID)
      sql += " AND v.department_id = $\(binds.count)"
    }
    if request.level != .unspecified {
      binds.append([Int16(request.level.rawValue)])
      sql += " AND v.levels @> $\(binds.count)"
    }
    if request.channel != .unspecified {
      binds.append([Int16(request.channel.rawValue)])
      sql += " AND v.channels @> $\(binds.count)"
    }
    binds.append(limit)
    sql += " ORDER BY v.item_code LIMIT $\(binds.count)"
    let rows = try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
      .collect()
    return try rows.map { row in
      let (body, departmentName) = try row.decode((ByteBuffer, String).self)
      let version = try Hall_Catalog_V1_ItemVersion(bytea: body)
      return .with {
        $0.version = version
        $0.departmentName = departmentName
      }
    }
  }

  private func searchBundles(
    _ request: Hall_Catalog_V1_SearchGuidesRequest, after: String, limit: Int
  ) async throws -> [Hall_Catalog_V1_Guide] {
    let today = Int32(clock.today.dayNumber)
    var sql = """
      SELECT v.body, d.name FROM bundle_versions v
      JOIN departments d ON d.id = v.department_ids[1]
      WHERE v.effective_day <= $1 AND NOT v.cancels AND v.bundle_code > $2
        AND NOT EXISTS (
          SELECT 1 FROM bundle_versions n WHERE n.bundle_code = v.bundle_code
            AND n.effective_day <= $1
            AND (n.effective_day, n.version) > (v.effective_day, v.version))
      """
    var binds = PostgresBindings()
    binds.append(today)
    binds.append(after)
    SearchGrams.addCondition(for: request.keyword, to: &sql, binds: &binds)
    if !request.departmentID.isEmpty {
      binds.append([request.departmentID])
      sql += " AND v.department_ids @> $\(binds.count)"
    }
    binds.append(limit)
    sql += " ORDER BY v.bundle_code LIMIT $\(binds.count)"
    let rows = try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
      .collect()
    return try rows.map { row in
      let (body, departmentName) = try row.decode((ByteBuffer, String).self)
      let bundle = try Hall_Catalog_V1_BundleVersion(bytea: body)
      return .with {
        $0.bundle = bundle
        $0.departmentName = departmentName
      }
    }
  }
}
