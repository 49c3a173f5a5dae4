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

/// Items and their versions (CAT-2, CAT-3, CAT-6, CAT-7): a draft is edited freely,
/// publishing freezes it into an immutable version with a reason and an effective date.
extension CatalogRPC {
  func createItem(
    request: Hall_Catalog_V1_CreateItemRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Item {
    try ItemValidator.validateCode(request.code)
    try Idempotency.validate(requestID: request.requestID)
    let spec = request.spec
    let references = try await loadReferences()
    try ItemValidator.validate(spec, references: references)
    return try await Idempotency.once(
      requestID: request.requestID, method: "CreateItem", client: db, logger: logger
    ) { connection in
      let existing = try await connection.query(
        "SELECT state FROM items WHERE code = \(request.code)", logger: logger
      ).collect()
      if let row = existing.first {
        if try row.decode(Int16.self) == Int16(Hall_Catalog_V1_ItemState.cancelled.rawValue) {
          throw ServiceError.failedPrecondition(
            "code \(request.code) belonged to a cancelled item and cannot be reused (CAT-7)")
        }
        throw ServiceError.alreadyExists("an item with code \(request.code) exists")
      }
      try await checkNameFree(spec.name, forItem: request.code, connection: connection)
      try await connection.query(
        """
        INSERT INTO items (code, state, draft, draft_name, updated_by)
        VALUES (\(request.code), \(Int16(Hall_Catalog_V1_ItemState.draft.rawValue)),
                \(try spec.bytea()), \(spec.name), \(actor))
        """, logger: logger)
      try await Audit.record(
        "create_item", target: "item:\(request.code)", detail: spec.name, on: connection,
        logger: logger)
      return try await loadItem(request.code, connection: connection)
    }
  }

  func updateItemDraft(
    request: Hall_Catalog_V1_UpdateItemDraftRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Item {
    try ItemValidator.validateCode(request.code)
    let references = try await loadReferences()
    try ItemValidator.validate(request.spec, references: references)
    return try await db.transaction(logger: logger) { connection in
      let state = try await lock(.item, request.code, connection: connection)
      guard state != .cancelled else {
        throw ServiceError.failedPrecondition(
          "item \(request.code) is cancelled; it cannot be edited")
      }
      try await checkNameFree(request.spec.name, forItem: request.code, connection: connection)
      try await connection.query(
        """
        UPDATE items SET draft = \(try request.spec.bytea()), draft_name = \(request.spec.name),
          updated_at = now(),
          updated_by = \(actor) WHERE code = \(request.code)
        """, logger: logger)
      try await Audit.record(
        "update_item_draft", target: "item:\(request.code)", detail: request.spec.name,
        on: connection, logger: logger)
      return try await loadItem(request.code, connection: connection)
    }
  }

  func getItem(
    request: Hall_Catalog_V1_GetItemRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_Item {
    try await db.withConnection { connection in
      try await loadItem(request.code, connection: connection)
    }
  }

  func publishItem(
    request: Hall_Catalog_V1_PublishItemRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ItemVersion {
    try ItemValidator.validateCode(request.code)
    try Text.require(request.reasonNote, field: "reason_note", max: 2000)
    guard [.new, .takeOver, .delegateDown, .adjust].contains(request.reason) else {
      throw ServiceError.invalidArgument(
        field: "reason",
        message: "must be NEW, TAKE_OVER, DELEGATE_DOWN or ADJUST (cancel with CancelItem)")
    }
    let effective = try effectiveDay(request.effectiveDate)
    let references = try await loadReferences()
    return try await Idempotency.once(
      requestID: request.requestID, method: "PublishItem", client: db, logger: logger
    ) { connection in
      let state = try await lock(.item, request.code, connection: connection)
      guard state != .cancelled else {
        throw ServiceError.failedPrecondition("item \(request.code) is cancelled (CAT-7)")
      }
      let rows = try await connection.query(
        "SELECT draft, latest_version FROM items WHERE code = \(request.code)", logger: logger
      ).collect()
      let (draftBytes, latest) = try rows[0].decode((ByteBuffer?, Int32).self)
      guard let draftBytes else {
        throw ServiceError.failedPrecondition(
          "item \(request.code) has no draft to publish; update the draft first")
      }
      let spec = try Hall_Catalog_V1_ItemSpec(bytea: draftBytes)
      try ItemValidator.validate(spec, references: references, field: "draft")
      if latest == 0, request.reason == .adjust {
        throw ServiceError.invalidArgument(
          field: "reason", message: "the first version of an item cannot be an adjustment")
      }
      if latest > 0, request.reason == .new {
        throw ServiceError.invalidArgument(
          field: "reason", message: "item \(request.code) is already published; use ADJUST")
      }
      try await checkEffectiveOrder(effective, of: .item, request.code, connection: connection)
      let version = try await insertVersion(
        code: request.code, number: latest + 1, spec: spec, reason: request.reason,
        note: request.reasonNote, effective: effective, cancels: false, connection: connection)
      try await connection.query(
        """
        INSERT INTO item_names (name, item_code) VALUES (\(spec.name), \(request.code))
        ON CONFLICT (name) DO NOTHING
        """, logger: logger)
      try await connection.query(
        """
        UPDATE items SET state = \(Int16(Hall_Catalog_V1_ItemState.published.rawValue)),
          draft = NULL, draft_name = NULL, latest_version = \(latest + 1), updated_at = now(), updated_by = \(actor)
        WHERE code = \(request.code)
        """, logger: logger)
      return version
    }
  }

  func cancelItem(
    request: Hall_Catalog_V1_CancelItemRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ItemVersion {
    try ItemValidator.validateCode(request.code)
    try Text.require(request.reasonNote, field: "reason_note", max: 2000)
    let effective = try effectiveDay(request.effectiveDate)
    return try await Idempotency.once(
      requestID: request.requestID, method: "CancelItem", client: db, logger: logger
    ) { connection in
      let state = try await lock(.item, request.code, connection: connection)
      switch state {
      case .cancelled:
        throw ServiceError.failedPrecondition("item \(request.code) is already cancelled")
      case .draft:
        throw ServiceError.failedPrecondition(
          "item \(request.code) was never published; there is nothing to cancel")
      default:
        break
      }
      try await checkEffectiveOrder(effective, of: .item, request.code, connection: connection)
      let rows = try await connection.query(
        """
        SELECT v.body, i.latest_version FROM items i
        JOIN item_versions v ON v.item_code = i.code AND v.version = i.latest_version
        WHERE i.code = \(request.code)
        """, logger: logger
      ).collect()
      let (body, latest) = try rows[0].decode((ByteBuffer, Int32).self)
      let last = try Hall_Catalog_V1_ItemVersion(bytea: body)
      let version = try await insertVersion(
        code: request.code, number: latest + 1, spec: last.spec, reason: .cancel,
        note: request.reasonNote, effective: effective, cancels: true, connection: connection)
      try await connection.query(
        """
        UPDATE items SET state = \(Int16(Hall_Catalog_V1_ItemState.cancelled.rawValue)),
          draft = NULL, draft_name = NULL, latest_version = \(latest + 1), updated_at = now(), updated_by = \(actor)
        WHERE code = \(request.code)
        """, logger: logger)
      return version
    }
  }

  func listItemVersions(
    request: Hall_Catalog_V1_ListItemVersionsRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ListItemVersionsResponse {
    let size = try Paging.size(request.pageSize, default: 50, max: 200)
    let before = try Paging.afterKey(request.pageToken).flatMap { Int32($0) } ?? Int32.max
    let rows = try await db.query(
      """
      SELECT version, body FROM item_versions WHERE item_code = \(request.code)
        AND version < \(before) ORDER BY version DESC LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    if rows.isEmpty, before == Int32.max {
      try await requireItemExists(request.code)
    }
    var response = Hall_Catalog_V1_ListItemVersionsResponse()
    for row in rows.prefix(size) {
      response.versions.append(
        try Hall_Catalog_V1_ItemVersion(bytea: try row.decode((Int32, ByteBuffer).self).1))
    }
    if rows.count > size, let last = response.versions.last {
      response.nextPageToken = Paging.token(after: String(last.version))
    }
    return response
  }

  func getItemVersion(
    request: Hall_Catalog_V1_GetItemVersionRequest, context: ServerContext
  ) async throws -> Hall_Catalog_V1_ItemVersion {
    let rows = try await db.query(
      """
      SELECT body FROM item_versions WHERE item_code = \(request.code)
        AND version = \(request.version)
      """, logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("item \(request.code) has no version \(request.version)")
    }
    return try Hall_Catalog_V1_ItemVersion(bytea: try row.decode(ByteBuffer.self))
  }

  // MARK: - Shared steps

  /// The ids a spec may point at. Read outside the write transaction: entries are never
  /// deleted, so a reference valid now stays valid.
  func loadReferences() async throws -> ItemReferences {
    var references = ItemReferences(
      departmentIDs: [], certificateIDs: [], intermediaryServiceIDs: [])
    let rows = try await db.query(
      """
      SELECT 'd', id FROM departments UNION ALL SELECT 'c', id FROM certificates
      UNION ALL SELECT 'i', id FROM intermediary_services
      """, logger: logger
    ).collect()
    for row in rows {
      let (kind, id) = try row.decode((String, String).self)
      switch kind {
      case "d": references.departmentIDs.insert(id)
      case "c": references.certificateIDs.insert(id)
      default: references.intermediaryServiceIDs.insert(id)
      }
    }
    return references
  }

  func requireItemExists(_ code: String) async throws {
    let rows = try await db.query("SELECT 1 FROM items WHERE code = \(code)", logger: logger)
      .collect()
    guard !rows.isEmpty else { throw ServiceError.notFound("no item \(code)") }
  }

  /// Names are unique among items, and a name once published stays with its item for ever,
  /// so a cancelled item cannot return under another code (CAT-7).
  func checkNameFree(_ name: String, forItem code: String, connection: PostgresConnection)
    async throws
  {
    let rows = try await connection.query(
      """
      SELECT n.item_code, i.state FROM item_names n JOIN items i ON i.code = n.item_code
      WHERE n.name = \(name) AND n.item_code <> \(code)
      UNION ALL
      SELECT code, state FROM items WHERE draft_name = \(name) AND code <> \(code)
      """, logger: logger
    ).collect()
    if let row = rows.first {
      let (owner, state) = try row.decode((String, Int16).self)
      if state == Int16(Hall_Catalog_V1_ItemState.cancelled.rawValue) {
        throw ServiceError.failedPrecondition(
          "name \(name) belonged to cancelled item \(owner); a cancelled item cannot come back under another code (CAT-7)"
        )
      }
      throw ServiceError.alreadyExists("item \(owner) already has the name \(name)")
    }
  }

  /// The effective date of a publication: today when unset, never in the past.
  func effectiveDay(_ date: Hall_Common_V1_CivilDate) throws(ServiceError) -> CivilDate {
    let today = clock.today
    if Days.isUnset(date) { return today }
    let day = try Days.civil(date, field: "effective_date")
    guard day >= today else {
      throw .invalidArgument(
        field: "effective_date", message: "\(day) is in the past; today is \(today)")
    }
    return day
  }

  func insertVersion(
    code: String, number: Int32, spec: Hall_Catalog_V1_ItemSpec,
    reason: Hall_Catalog_V1_ChangeReason, note: String, effective: CivilDate, cancels: Bool,
    connection: PostgresConnection
  ) async throws -> Hall_Catalog_V1_ItemVersion {
    let now = clock.now
    let version = Hall_Catalog_V1_ItemVersion.with {
      $0.itemCode = code
      $0.version = number
      $0.spec = spec
      $0.reason = reason
      $0.reasonNote = note
      $0.effectiveDate = Days.proto(effective)
      $0.publishTime = .init(date: now)
      $0.publishedBy = actor
      $0.caseKind = spec.caseKind
      $0.cancels = cancels
    }
    let levels = spec.levels.map { Int16($0.rawValue) }
    let channels = spec.channels.map { Int16($0.rawValue) }
    try await connection.query(
      """
      INSERT INTO item_versions (item_code, version, body, name, search_text, search_grams,
        department_id, kind, levels, channels, statutory_days, promised_days, max_visits,
        placement, cancels, effective_day, published_at, published_by)
      VALUES (\(code), \(number), \(try version.bytea()), \(spec.name),
        \(SearchGrams.normalized(spec.name)), \(SearchGrams.indexGrams(of: spec.name)),
        \(spec.departmentID), \(Int16(spec.kind.rawValue)), \(levels), \(channels),
        \(spec.statutoryLimitWorkingDays), \(spec.promisedLimitWorkingDays), \(spec.maxVisits),
        \(Int16(spec.placement.rawValue)), \(cancels), \(Int32(effective.dayNumber)), \(now),
        \(actor))
      """, logger: logger)
    try await Audit.record(
      cancels ? "cancel_item" : "publish_item", target: "item:\(code)",
      detail: "version \(number), effective \(effective): \(note)", on: connection,
      logger: logger)
    try await Outbox.append(
      type: "catalog.item_version.published", aggregateID: code, payload: version,
      at: now, on: connection, logger: logger)
    return version
  }

  func loadItem(_ code: String, connection: PostgresConnection) async throws
    -> Hall_Catalog_V1_Item
  {
    let rows = try await connection.query(
      """
      SELECT i.state, i.draft, i.updated_at, i.updated_by, v.body FROM items i
      LEFT JOIN item_versions v ON v.item_code = i.code AND v.version = i.latest_version
      WHERE i.code = \(code)
      """, logger: logger
    ).collect()
    guard let row = rows.first else { throw ServiceError.notFound("no item \(code)") }
    let (state, draft, updatedAt, updatedBy, latest) = try row.decode(
      (Int16, ByteBuffer?, Date, String, ByteBuffer?).self)
    var item = Hall_Catalog_V1_Item()
    item.code = code
    item.state = .init(rawValue: Int(state)) ?? .unspecified
    if let draft {
      item.draft = try Hall_Catalog_V1_ItemSpec(bytea: draft)
      item.hasDraft_p = true
    }
    if let latest { item.latestVersion = try Hall_Catalog_V1_ItemVersion(bytea: latest) }
    item.updateTime = .init(date: updatedAt)
    item.updatedBy = updatedBy
    return item
  }
}
