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

/// Catalog indicators (CAT-11, seed 003 attachment 1), computed from the versions in force
/// today so that they always match the published guides.
extension CatalogRPC {
  func getIndicators(
    request: Hall_Catalog_V1_GetIndicatorsRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Indicators {
    let department = request.departmentID
    if !department.isEmpty {
      let rows = try await db.query(
        "SELECT 1 FROM departments WHERE id = \(department)", logger: logger
      ).collect()
      guard !rows.isEmpty else { throw ServiceError.notFound("no department \(department)") }
    }
    let today = Int32(clock.today.dayNumber)
    let licensing = Int16(Hall_Common_V1_ItemKind.administrativeLicensing.rawValue)
    let inHall = [
      Int16(Hall_Catalog_V1_HallPlacement.inHall.rawValue),
      Int16(Hall_Catalog_V1_HallPlacement.itemInStaffOnCall.rawValue),
    ]
    let rows = try await db.query(
      """
      WITH in_force AS (
        SELECT DISTINCT ON (item_code) item_code, kind, statutory_days, promised_days,
          max_visits, placement, cancels, department_id
        FROM item_versions WHERE effective_day <= \(today)
        ORDER BY item_code, effective_day DESC, version DESC)
      SELECT count(*)::int4,
        count(*) FILTER (WHERE kind = \(licensing))::int4,
        coalesce(sum(statutory_days) FILTER (WHERE kind = \(licensing)), 0)::int8,
        coalesce(sum(promised_days) FILTER (WHERE kind = \(licensing)), 0)::int8,
        count(*) FILTER (WHERE promised_days = 0)::int4,
        count(*) FILTER (WHERE max_visits = 0)::int4,
        count(*) FILTER (WHERE placement = ANY(\(inHall)))::int4
      FROM in_force WHERE NOT cancels AND (\(department) = '' OR department_id = \(department))
      """, logger: logger
    ).collect()
    let (items, licensingItems, statutory, promised, onTheSpot, noVisit, placed) = try rows[0]
      .decode((Int32, Int32, Int64, Int64, Int32, Int32, Int32).self)
    func basisPoints(_ part: Int64, _ whole: Int64) -> Int32 {
      BasisPoints.of(part, whole, whenNone: 0)
    }
    return .with {
      $0.departmentID = department
      $0.itemCount = items
      $0.licensingItemCount = licensingItems
      $0.statutoryDaysTotal = statutory
      $0.promisedDaysTotal = promised
      $0.compressionRatioBp = basisPoints(statutory - promised, statutory)
      $0.onTheSpotShareBp = basisPoints(Int64(onTheSpot), Int64(items))
      $0.noVisitShareBp = basisPoints(Int64(noVisit), Int64(items))
      $0.inHallShareBp = basisPoints(Int64(placed), Int64(items))
      $0.onTheSpotCount = onTheSpot
      $0.noVisitCount = noVisit
      $0.inHallCount = placed
    }
  }
}
