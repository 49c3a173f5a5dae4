import GRPCCore
import HallCalendar
import HallContracts
import HallServer

/// Public guides (CAT-9): what applicants read online and at the window is the same record,
/// the item version in force on the day.
extension CatalogHandlers {
  func getGuide(request: GetGuideRequest, context: ServerContext) async throws -> Guide {
    let day =
      Days.isUnset(request.asOf) ? clock.today : try Days.civil(request.asOf, field: "as_of")
    let guide = try await service.read { db in
      try await db.guides.guide(of: request.itemCode, on: day)
    }
    guard let guide else {
      throw ServiceError.notFound("no guide of item \(request.itemCode) is in force on \(day)")
    }
    guard !guide.version.cancels else {
      let date = guide.version.effectiveDate
      throw ServiceError.notFound(
        "item \(request.itemCode) is cancelled from \(date.year)-\(date.month)-\(date.day)")
    }
    return guide
  }

  /// Bundles first, then items, each in code order; bundles have no level or channel, so a
  /// search by either finds items only.
  func searchGuides(request: SearchGuidesRequest, context: ServerContext) async throws
    -> SearchGuidesResponse
  {
    let size = try Paging.size(request.pageSize, default: 20, max: 100)
    try Self.check(request)
    // The page token says which list the previous page ended in: "b:CODE" or "i:CODE".
    let after = try Paging.afterKey(request.pageToken)
    if let after, !(after.hasPrefix("b:") || after.hasPrefix("i:")) {
      throw ServiceError.invalidArgument(
        field: "page_token", message: "is not a token this service issued")
    }
    let filters = GuideStore.Filters(
      keyword: request.keyword, departmentID: request.departmentID, level: request.level,
      channel: request.channel)
    var response = SearchGuidesResponse()
    if request.level == .unspecified, request.channel == .unspecified,
      after == nil || after!.hasPrefix("b:")
    {
      let bundlesAfter = after.map { String($0.dropFirst(2)) } ?? ""
      if try await page(.bundle, filters, after: bundlesAfter, size: size, into: &response) {
        return response
      }
    }
    let itemsAfter = after.flatMap { $0.hasPrefix("i:") ? String($0.dropFirst(2)) : nil } ?? ""
    _ = try await page(.item, filters, after: itemsAfter, size: size, into: &response)
    return response
  }

  private static func check(_ request: SearchGuidesRequest) throws(ServiceError) {
    guard request.keyword.count <= 50 else {
      throw .invalidArgument(field: "keyword", message: "is longer than 50 characters")
    }
    if case .UNRECOGNIZED = request.level {
      throw .invalidArgument(field: "level", message: "is not a known level")
    }
    if case .UNRECOGNIZED = request.channel {
      throw .invalidArgument(field: "channel", message: "is not a known channel")
    }
  }

  /// Fills the page's room with guides of one kind; returns whether the page is full, with
  /// the token of the next one set.
  private func page(
    _ kind: Publishable, _ filters: GuideStore.Filters, after: String, size: Int,
    into response: inout SearchGuidesResponse
  ) async throws -> Bool {
    // A page that bundles filled exactly still asks for one item: if there is one, the
    // next page starts the items from their first ("i:").
    let room = size - response.guides.count
    let guides = try await service.read { db in
      try await db.guides.search(kind, filters, after: after, on: clock.today, limit: room + 1)
    }
    response.guides += guides.prefix(room)
    guard guides.count > room, let last = response.guides.last else { return false }
    response.nextPageToken = Paging.token(
      after: kind == .item ? "i:" + last.version.itemCode : "b:" + last.bundle.bundleCode)
    return true
  }
}
