import GRPCCore
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Items and their versions (CAT-2, CAT-3, CAT-6, CAT-7): a draft is edited freely,
/// publishing freezes it into an immutable version with a reason and an effective date.
extension CatalogHandlers {
  func createItem(request: CreateItemRequest, context: ServerContext) async throws -> Item {
    try ItemValidator.validateCode(request.code)
    try Idempotency.validate(requestID: request.requestID)
    try ItemValidator.validate(request.spec, references: try await references())
    return try await create(
      Item.self, code: request.code, draft: request.spec, requestID: request.requestID,
      context: context)
  }

  func updateItemDraft(request: UpdateItemDraftRequest, context: ServerContext) async throws
    -> Item
  {
    try ItemValidator.validateCode(request.code)
    try ItemValidator.validate(request.spec, references: try await references())
    return try await updateDraft(
      Item.self, code: request.code, draft: request.spec, auditDetail: request.spec.name)
  }

  /// The item with, for one of the city's standard, its owner and this district's details.
  func getItem(request: GetItemRequest, context: ServerContext) async throws -> Item {
    try await service.read { db in
      var item = try await db.items.load(request.code)
      let (owner, details) = try await db.localDetails.ownerAndDetails(of: request.code)
      item.owner = owner ?? ""
      if let details { item.localDetails = details }
      return item
    }
  }

  func publishItem(request: PublishItemRequest, context: ServerContext) async throws
    -> ItemVersion
  {
    let publication = try Publication(of: .item, request, today: clock.today)
    let references = try await references()
    return try await publish(
      Item.self, publication, requestID: request.requestID, context: context,
      checkDraft: { try ItemValidator.validate($0, references: references, field: "draft") },
      content: { spec, _ in
        .with {
          $0.itemCode = request.code
          $0.spec = spec
          $0.caseKind = spec.caseKind
        }
      })
  }

  func cancelItem(request: CancelItemRequest, context: ServerContext) async throws
    -> ItemVersion
  {
    try await cancel(Item.self, request, context: context)
  }

  func listItemVersions(request: ListItemVersionsRequest, context: ServerContext) async throws
    -> ListItemVersionsResponse
  {
    let (versions, next) = try await page(
      request.pageSize, default: 50, max: 200, token: request.pageToken,
      key: { String($0.version) }
    ) { db, after, limit in
      let before = after.flatMap { Int32($0) } ?? Int32.max
      let versions = try await db.items.versions(of: request.code, before: before, limit: limit)
      if versions.isEmpty, before == Int32.max, try await db.items.state(of: request.code) == nil {
        throw ServiceError.notFound("no item \(request.code)")
      }
      return versions
    }
    return .with {
      $0.versions = versions
      $0.nextPageToken = next
    }
  }

  func getItemVersion(request: GetItemVersionRequest, context: ServerContext) async throws
    -> ItemVersion
  {
    try await version(Item.self, code: request.code, number: request.version)
  }
}
