import HallContracts
import HallServer
import SwiftProtobuf

/// The counts over the items in force that the catalog indicators (CAT-11, seed 003
/// attachment 1) are computed from.
struct IndicatorCounts: Sendable {
  var items: Int32
  var licensingItems: Int32
  /// Statutory and promised limits summed over the administrative-licensing items.
  var statutoryDays: Int64
  var promisedDays: Int64
  var onTheSpot: Int32
  var noVisit: Int32
  var inHall: Int32

  /// The indicators of `department` (empty: all), shares in basis points.
  func indicators(department: String) -> Indicators {
    func basisPoints(_ part: Int64, _ whole: Int64) -> Int32 {
      BasisPoints.of(part, whole, whenNone: 0)
    }
    return .with {
      $0.departmentID = department
      $0.itemCount = items
      $0.licensingItemCount = licensingItems
      $0.statutoryDaysTotal = statutoryDays
      $0.promisedDaysTotal = promisedDays
      $0.compressionRatioBp = basisPoints(statutoryDays - promisedDays, statutoryDays)
      $0.onTheSpotShareBp = basisPoints(Int64(onTheSpot), Int64(items))
      $0.noVisitShareBp = basisPoints(Int64(noVisit), Int64(items))
      $0.inHallShareBp = basisPoints(Int64(inHall), Int64(items))
      $0.onTheSpotCount = onTheSpot
      $0.noVisitCount = noVisit
      $0.inHallCount = inHall
    }
  }
}
