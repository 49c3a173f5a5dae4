import GRPCCore
import HallCalendar
import HallContracts
import HallServer

/// Catalog indicators (CAT-11, seed 003 attachment 1), computed from the versions in force
/// today so that they always match the published guides.
extension CatalogHandlers {
  func getIndicators(request: GetIndicatorsRequest, context: ServerContext) async throws
    -> Indicators
  {
    let department = request.departmentID
    let counts = try await service.read { db in
      if !department.isEmpty, try await !db.lists.departmentExists(department) {
        throw ServiceError.notFound("no department \(department)")
      }
      return try await db.guides.indicatorCounts(department: department, on: clock.today)
    }
    return counts.indicators(department: department)
  }
}
