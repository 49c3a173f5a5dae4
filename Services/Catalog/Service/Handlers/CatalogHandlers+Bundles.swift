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

/// One-thing bundles (CAT-8), published like items: a draft, then immutable versions.
extension CatalogRPC {
  func createBundle(
    request: Hall_Catalog_V1_CreateBundleRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Bundle {
    try ItemValidator.validateCode(request.code)
    try Idempotency.validate(requestID: request.requestID)
    try await validateBundleSpec(request.spec)
    return try await Idempotency.once(
      requestID: request.requestID, method: "CreateBundle", client: db, logger: logger
    ) { connection in
      let existing = try await connection.query(
        "SELECT state FROM bundles WHERE code = \(request.code)", logger: logger
      ).collect()
      if let row = existing.first {
        if try row.decode(Int16.self) == Int16(Hall_Catalog_V1_ItemState.cancelled.rawValue) {
          throw ServiceError.failedPrecondition(
            "code \(request.code) belonged to a cancelled bundle and cannot be reused")
        }
        throw ServiceError.alreadyExists("a bundle with code \(request.code) exists")
      }
      try await checkBundleNameFree(request.spec.name, code: request.code, connection: connection)
      try await connection.query(
        """
        INSERT INTO bundles (code, state, draft, draft_name, updated_by)
        VALUES (\(request.code), \(Int16(Hall_Catalog_V1_ItemState.draft.rawValue)),
          \(try request.spec.bytea()), \(request.spec.name), \(actor))
        """, logger: logger)
      try await Audit.record(
        "create_bundle", target: "bundle:\(request.code)", detail: request.spec.name,
        on: connection, logger: logger)
      return try await loadBundle(request.code, connection: connection)
    }
  }

  func updateBundleDraft(
    request: Hall_Catalog_V1_UpdateBundleDraftRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Bundle {
    try ItemValidator.validateCode(request.code)
    try await validateBundleSpec(request.spec)
    return try await db.transaction(logger: logger) { connection in
      let state = try await lock(.bundle, request.code, connection: connection)
      guard state != .cancelled else {
        throw ServiceError.failedPrecondition("bundle \(request.code) is cancelled")
      }
      try await checkBundleNameFree(request.spec.name, code: request.code, connection: connection)
      try await connection.query(
        """
        UPDATE bundles SET draft = \(try request.spec.bytea()), draft_name = \(request.spec.name),
          updated_at = now(), updated_by = \(actor) WHERE code = \(request.code)
        """, logger: logger)
      try await Audit.record(
        "update_bundle_draft", target: "bundle:\(request.code)", on: connection, logger: logger)
      return try await loadBundle(request.code, connection: connection)
    }
  }

  func getBundle(
    request: Hall_Catalog_V1_GetBundleRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Bundle {
    try await db.withConnection { connection in
      try await loadBundle(request.code, connection: connection)
    }
  }

  func publishBundle(
    request: Hall_Catalog_V1_PublishBundleRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_BundleVersion {
    try ItemValidator.validateCode(request.code)
    try Text.require(request.reasonNote, field: "reason_note", max: 2000)
    guard [.new, .adjust].contains(request.reason) else {
      throw ServiceError.invalidArgument(
        field: "reason", message: "must be NEW or ADJUST (cancel with CancelBundle)")
    }
    let effective = try effectiveDay(request.effectiveDate)
    return try await Idempotency.once(
      requestID: request.requestID, method: "PublishBundle", client: db, logger: logger
    ) { connection in
      let state = try await lock(.bundle, request.code, connection: connection)
      guard state != .cancelled else {
        throw ServiceError.failedPrecondition("bundle \(request.code) is cancelled")
      }
      let rows = try await connection.query(
        "SELECT draft, latest_version FROM bundles WHERE code = \(request.code)", logger: logger
      ).collect()
      let (draftBytes, latest) = try rows[0].decode((ByteBuffer?, Int32).self)
      guard let draftBytes else {
        throw ServiceError.failedPrecondition("bundle \(request.code) has no draft to publish")
      }
      if latest == 0, request.reason != .new {
        throw ServiceError.invalidArgument(
          field: "reason", message: "the first version of a bundle must be NEW")
      }
      if latest > 0, request.reason == .new {
        throw ServiceError.invalidArgument(
          field: "reason", message: "bundle \(request.code) is already published; use ADJUST")
      }
      try await checkEffectiveOrder(effective, of: .bundle, request.code, connection: connection)
      let spec = try Hall_Catalog_V1_BundleSpec(bytea: draftBytes)
      let members = try await membersInForce(
        spec.memberItemCodes, on: effective, connection: connection)
      guard members.contains(where: { $0.spec.departmentID == spec.leadDepartmentID }) else {
        throw ServiceError.invalidArgument(
          field: "draft.lead_department_id",
          message: "the lead department \(spec.leadDepartmentID) handles none of the member items")
      }
      let merged = BundleMerger.merge(members: members, leadDepartmentID: spec.leadDepartmentID)
      let version = Hall_Catalog_V1_BundleVersion.with {
        $0.bundleCode = request.code
        $0.version = latest + 1
        $0.spec = spec
        $0.members = members
        $0.materials = merged.materials
        $0.formFields = merged.formFields
        $0.promisedLimitWorkingDays = merged.promisedLimit
        $0.statutoryLimitWorkingDays = merged.statutoryLimit
        $0.departmentIds = merged.departmentIDs
        $0.reason = request.reason
        $0.reasonNote = request.reasonNote
        $0.effectiveDate = Days.proto(effective)
        $0.publishTime = .init(date: clock.now)
        $0.publishedBy = actor
      }
      try await insertBundleVersion(version, effective: effective, connection: connection)
      try await connection.query(
        """
        INSERT INTO bundle_names (name, bundle_code) VALUES (\(spec.name), \(request.code))
        ON CONFLICT (name) DO NOTHING
        """, logger: logger)
      try await connection.query(
        """
        UPDATE bundles SET state = \(Int16(Hall_Catalog_V1_ItemState.published.rawValue)),
          draft = NULL, draft_name = NULL, latest_version = \(latest + 1), updated_at = now(),
          updated_by = \(actor)
        WHERE code = \(request.code)
        """, logger: logger)
      return version
    }
  }

  func cancelBundle(
    request: Hall_Catalog_V1_CancelBundleRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_BundleVersion {
    try ItemValidator.validateCode(request.code)
    try Text.require(request.reasonNote, field: "reason_note", max: 2000)
    let effective = try effectiveDay(request.effectiveDate)
    return try await Idempotency.once(
      requestID: request.requestID, method: "CancelBundle", client: db, logger: logger
    ) { connection in
      let state = try await lock(.bundle, request.code, connection: connection)
      guard state == .published else {
        throw ServiceError.failedPrecondition(
          state == .cancelled
            ? "bundle \(request.code) is already cancelled"
            : "bundle \(request.code) was never published; there is nothing to cancel")
      }
      try await checkEffectiveOrder(effective, of: .bundle, request.code, connection: connection)
      let rows = try await connection.query(
        """
        SELECT v.body FROM bundles b
        JOIN bundle_versions v ON v.bundle_code = b.code AND v.version = b.latest_version
        WHERE b.code = \(request.code)
        """, logger: logger
      ).collect()
      var version = try Hall_Catalog_V1_BundleVersion(bytea: try rows[0].decode(ByteBuffer.self))
      version.version += 1
      version.reason = .cancel
      version.reasonNote = request.reasonNote
      version.effectiveDate = Days.proto(effective)
      version.publishTime = .init(date: clock.now)
      version.publishedBy = actor
      version.cancels = true
      try await insertBundleVersion(version, effective: effective, connection: connection)
      try await connection.query(
        """
        UPDATE bundles SET state = \(Int16(Hall_Catalog_V1_ItemState.cancelled.rawValue)),
          draft = NULL, draft_name = NULL, latest_version = \(version.version),
          updated_at = now(), updated_by = \(actor)
        WHERE code = \(request.code)
        """, logger: logger)
      return version
    }
  }

  func listBundles(
    request: Hall_Catalog_V1_ListBundlesRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ListBundlesResponse {
    let size = try Paging.size(request.pageSize, default: 50, max: 200)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let today = Int32(clock.today.dayNumber)
    let pattern = SearchGrams.likePattern(of: request.keyword)
    let rows = try await db.query(
      """
      SELECT DISTINCT ON (bundle_code) bundle_code, body, cancels FROM bundle_versions
      WHERE effective_day <= \(today) AND bundle_code > \(after) AND lower(name) LIKE \(pattern)
      ORDER BY bundle_code, effective_day DESC, version DESC
      """, logger: logger
    ).collect()
    var response = Hall_Catalog_V1_ListBundlesResponse()
    var lastCode: String?
    for row in rows {
      let (code, body, cancels) = try row.decode((String, ByteBuffer, Bool).self)
      guard !cancels else { continue }
      if response.bundles.count == size {
        response.nextPageToken = Paging.token(after: lastCode)
        break
      }
      response.bundles.append(try Hall_Catalog_V1_BundleVersion(bytea: body))
      lastCode = code
    }
    return response
  }

  func getBundleVersion(
    request: Hall_Catalog_V1_GetBundleVersionRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_BundleVersion {
    let today = Int32(clock.today.dayNumber)
    let rows: [PostgresRow]
    if request.version == 0 {
      rows = try await db.query(
        """
        SELECT body FROM bundle_versions WHERE bundle_code = \(request.code)
          AND effective_day <= \(today) ORDER BY effective_day DESC, version DESC LIMIT 1
        """, logger: logger
      ).collect()
    } else {
      rows = try await db.query(
        """
        SELECT body FROM bundle_versions WHERE bundle_code = \(request.code)
          AND version = \(request.version)
        """, logger: logger
      ).collect()
    }
    guard let row = rows.first else {
      throw ServiceError.notFound(
        request.version == 0
          ? "no version of bundle \(request.code) is in force today"
          : "bundle \(request.code) has no version \(request.version)")
    }
    return try Hall_Catalog_V1_BundleVersion(bytea: try row.decode(ByteBuffer.self))
  }

  // MARK: - Shared steps

  private func validateBundleSpec(_ spec: Hall_Catalog_V1_BundleSpec) async throws {
    try Text.require(spec.name, field: "spec.name", max: 200)
    try Text.require(spec.description_p, field: "spec.description", max: 4000)
    guard spec.memberItemCodes.count >= 2 else {
      throw ServiceError.invalidArgument(
        field: "spec.member_item_codes", message: "a one-thing bundle needs at least two items")
    }
    var seen = Set<String>()
    for (index, code) in spec.memberItemCodes.enumerated() {
      guard seen.insert(code).inserted else {
        throw ServiceError.invalidArgument(
          field: "spec.member_item_codes[\(index)]", message: "\(code) is listed twice")
      }
    }
    let references = try await loadReferences()
    guard references.departmentIDs.contains(spec.leadDepartmentID) else {
      throw ServiceError.invalidArgument(
        field: "spec.lead_department_id", message: "no department \"\(spec.leadDepartmentID)\"")
    }
    let rows = try await db.query(
      "SELECT code, state FROM items WHERE code = ANY(\(spec.memberItemCodes))", logger: logger
    ).collect()
    var states: [String: Int16] = [:]
    for row in rows {
      let (code, state) = try row.decode((String, Int16).self)
      states[code] = state
    }
    for (index, code) in spec.memberItemCodes.enumerated() {
      guard let state = states[code] else {
        throw ServiceError.invalidArgument(
          field: "spec.member_item_codes[\(index)]", message: "no item \(code)")
      }
      guard state != Int16(Hall_Catalog_V1_ItemState.cancelled.rawValue) else {
        throw ServiceError.invalidArgument(
          field: "spec.member_item_codes[\(index)]", message: "item \(code) is cancelled")
      }
    }
  }

  /// The member versions a bundle version is made of: each must be in force, and not
  /// cancelled, on the bundle's effective date.
  private func membersInForce(
    _ codes: [String], on day: CivilDate, connection: PostgresConnection
  ) async throws -> [Hall_Catalog_V1_ItemVersion] {
    var members: [Hall_Catalog_V1_ItemVersion] = []
    for (index, code) in codes.enumerated() {
      let rows = try await connection.query(
        """
        SELECT body FROM item_versions WHERE item_code = \(code)
          AND effective_day <= \(Int32(day.dayNumber))
        ORDER BY effective_day DESC, version DESC LIMIT 1
        """, logger: logger
      ).collect()
      guard let row = rows.first else {
        throw ServiceError.failedPrecondition(
          "member item \(code) (member_item_codes[\(index)]) has no published version in force on \(day)"
        )
      }
      let version = try Hall_Catalog_V1_ItemVersion(bytea: try row.decode(ByteBuffer.self))
      guard !version.cancels else {
        throw ServiceError.failedPrecondition(
          "member item \(code) (member_item_codes[\(index)]) is cancelled on \(day)")
      }
      members.append(version)
    }
    return members
  }

  private func checkBundleNameFree(
    _ name: String, code: String, connection: PostgresConnection
  ) async throws {
    let rows = try await connection.query(
      """
      SELECT bundle_code FROM bundle_names WHERE name = \(name) AND bundle_code <> \(code)
      UNION ALL SELECT code FROM bundles WHERE draft_name = \(name) AND code <> \(code)
      """, logger: logger
    ).collect()
    if let row = rows.first {
      throw ServiceError.alreadyExists(
        "bundle \(try row.decode(String.self)) already has the name \(name)")
    }
  }

  private func insertBundleVersion(
    _ version: Hall_Catalog_V1_BundleVersion, effective: CivilDate,
    connection: PostgresConnection
  ) async throws {
    try await connection.query(
      """
      INSERT INTO bundle_versions (bundle_code, version, body, name, search_text, search_grams,
        department_ids, cancels, effective_day, published_by)
      VALUES (\(version.bundleCode), \(version.version), \(try version.bytea()),
        \(version.spec.name), \(SearchGrams.normalized(version.spec.name)),
        \(SearchGrams.indexGrams(of: version.spec.name)), \(version.departmentIds),
        \(version.cancels), \(Int32(effective.dayNumber)), \(actor))
      """, logger: logger)
    try await Audit.record(
      version.cancels ? "cancel_bundle" : "publish_bundle", target: "bundle:\(version.bundleCode)",
      detail: "version \(version.version), effective \(effective): \(version.reasonNote)",
      on: connection, logger: logger)
    try await Outbox.append(
      type: "catalog.bundle_version.published", aggregateID: version.bundleCode,
      payload: version, at: version.publishTime.date, on: connection, logger: logger)
  }

  private func loadBundle(_ code: String, connection: PostgresConnection) async throws
    -> Hall_Catalog_V1_Bundle
  {
    let rows = try await connection.query(
      """
      SELECT b.state, b.draft, b.updated_at, b.updated_by, v.body FROM bundles b
      LEFT JOIN bundle_versions v ON v.bundle_code = b.code AND v.version = b.latest_version
      WHERE b.code = \(code)
      """, logger: logger
    ).collect()
    guard let row = rows.first else { throw ServiceError.notFound("no bundle \(code)") }
    let (state, draft, updatedAt, updatedBy, latest) = try row.decode(
      (Int16, ByteBuffer?, Date, String, ByteBuffer?).self)
    var bundle = Hall_Catalog_V1_Bundle()
    bundle.code = code
    bundle.state = .init(rawValue: Int(state)) ?? .unspecified
    if let draft {
      bundle.draft = try Hall_Catalog_V1_BundleSpec(bytea: draft)
      bundle.hasDraft_p = true
    }
    if let latest { bundle.latestVersion = try Hall_Catalog_V1_BundleVersion(bytea: latest) }
    bundle.updateTime = .init(date: updatedAt)
    bundle.updatedBy = updatedBy
    return bundle
  }
}
