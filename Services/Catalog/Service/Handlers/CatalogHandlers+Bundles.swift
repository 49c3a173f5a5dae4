import GRPCCore
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// One-thing bundles (CAT-8), published like items: a draft, then immutable versions.
extension CatalogHandlers {
  func createBundle(request: CreateBundleRequest, context: ServerContext) async throws -> Bundle {
    try ItemValidator.validateCode(request.code)
    try Idempotency.validate(requestID: request.requestID)
    try await validate(request.spec)
    return try await create(
      Bundle.self, code: request.code, draft: request.spec, requestID: request.requestID,
      context: context)
  }

  func updateBundleDraft(request: UpdateBundleDraftRequest, context: ServerContext)
    async throws -> Bundle
  {
    try ItemValidator.validateCode(request.code)
    try await validate(request.spec)
    return try await updateDraft(
      Bundle.self, code: request.code, draft: request.spec, auditDetail: "")
  }

  func publishBundle(request: PublishBundleRequest, context: ServerContext) async throws
    -> BundleVersion
  {
    let publication = try Publication(of: .bundle, request, today: clock.today)
    return try await publish(
      Bundle.self, publication, requestID: request.requestID, context: context,
      content: { spec, db in
        let members = try await members(spec.memberItemCodes, on: publication.effective, db)
        return try BundleRules.version(request.code, spec: spec, members: members)
      })
  }

  func cancelBundle(request: CancelBundleRequest, context: ServerContext) async throws
    -> BundleVersion
  {
    try await cancel(Bundle.self, request, context: context)
  }

  func getBundle(request: GetBundleRequest, context: ServerContext) async throws -> Bundle {
    try await load(Bundle.self, code: request.code)
  }

  func listBundles(request: ListBundlesRequest, context: ServerContext) async throws
    -> ListBundlesResponse
  {
    let (bundles, next) = try await page(
      request.pageSize, default: 50, max: 200, token: request.pageToken,
      key: \BundleVersion.bundleCode
    ) { db, after, _ in
      try await db.bundles.inForce(
        after: after ?? "", on: clock.today,
        namesLike: SearchGrams.likePattern(of: request.keyword)
      ).filter { !$0.cancels }
    }
    return .with {
      $0.bundles = bundles
      $0.nextPageToken = next
    }
  }

  /// Version 0 is the one in force today.
  func getBundleVersion(request: GetBundleVersionRequest, context: ServerContext) async throws
    -> BundleVersion
  {
    guard request.version == 0 else {
      return try await version(Bundle.self, code: request.code, number: request.version)
    }
    let inForce = try await service.read { db in
      try await db.bundles.inForce(request.code, on: clock.today)
    }
    guard let inForce else {
      throw ServiceError.notFound("no version of bundle \(request.code) is in force today")
    }
    return inForce
  }

  // MARK: - Shared steps

  /// The spec's own fields, then its members as they stand.
  private func validate(_ spec: BundleSpec) async throws {
    try BundleRules.validate(spec, references: try await references())
    let states = try await service.read { db in
      try await db.items.states(of: spec.memberItemCodes)
    }
    try BundleRules.checkMembers(spec.memberItemCodes, states: states)
  }

  /// The member versions a bundle version is made of: each in force, and not cancelled, on
  /// the bundle's effective date.
  private func members(_ codes: [String], on day: CivilDate, _ db: Database) async throws
    -> [ItemVersion]
  {
    var members: [ItemVersion] = []
    for (index, code) in codes.enumerated() {
      let version = try await db.items.inForce(code, on: day)
      members.append(try BundleRules.member(code, index: index, inForce: version, on: day))
    }
    return members
  }
}
