import GRPCCore
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// A district's own details of the items its city's catalog sets as the standard (FED-2):
/// the standard is the city's, whether and where the district handles the item is the
/// district's. Its intake follows them on the catalog's feed.
extension CatalogHandlers {
  func setItemLocalDetails(request: SetItemLocalDetailsRequest, context: ServerContext)
    async throws -> ItemLocalDetails
  {
    var details = request.details
    try LocalDetailsRules.validate(details)
    details.updateTime = .init(date: clock.now)
    details.updatedBy = Caller.actor
    try await service.transaction { [details] db in
      guard try await db.localDetails.owner(of: details.itemCode) != nil else {
        throw ServiceError.failedPrecondition(
          "item \(details.itemCode) is this deployment's own: its window and placement are in its guide (UpdateItemDraft, PublishItem); local details are for an item of the city's standard"
        )
      }
      try await db.localDetails.set(
        details,
        event: CatalogEvent.itemLocalDetailsSet.entry(details.itemCode, details, at: clock.now))
    }
    return details
  }
}
