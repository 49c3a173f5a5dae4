import GRPCCore
import HallCalendar
import HallDatabase
import HallServer
import SwiftProtobuf

/// The steps of the life items and bundles share (CAT-7, ``Lifecycle``): create a draft,
/// edit it, publish it as an immutable version, cancel. Each kind adds only what is its own:
/// how its draft is checked and what its version holds.
extension CatalogHandlers {
  /// A new record holding only its draft, under a code and a name never used (CAT-7).
  func create<Record: VersionedRecord>(
    _: Record.Type, code: String, draft: Record.Spec, requestID: String, context: ServerContext
  ) async throws -> Record {
    try await service.change(requestID, context) { db in
      let store = VersionedStore<Record>(db: db)
      try Lifecycle.checkNew(Record.kind, code, existing: try await store.state(of: code))
      try Lifecycle.checkNameFree(
        Record.kind, draft.name, owner: try await store.nameOwner(draft.name, other: code))
      try await store.create(code, draft: draft, by: Caller.actor)
      return Change(try await store.load(code))
    }
  }

  /// The record's draft replaced, until the record is cancelled.
  func updateDraft<Record: VersionedRecord>(
    _: Record.Type, code: String, draft: Record.Spec, auditDetail: String
  ) async throws -> Record {
    try await service.transaction { db in
      let store = VersionedStore<Record>(db: db)
      try Lifecycle.checkEditable(Record.kind, code, state: try await store.lock(code).state)
      try Lifecycle.checkNameFree(
        Record.kind, draft.name, owner: try await store.nameOwner(draft.name, other: code))
      try await store.update(code, draft: draft, by: Caller.actor, auditDetail: auditDetail)
      return try await store.load(code)
    }
  }

  func load<Record: VersionedRecord>(_: Record.Type, code: String) async throws -> Record {
    try await service.read { db in try await VersionedStore<Record>(db: db).load(code) }
  }

  func version<Record: VersionedRecord>(_: Record.Type, code: String, number: Int32)
    async throws -> Record.Version
  {
    let version = try await service.read { db in
      try await VersionedStore<Record>(db: db).version(code, number)
    }
    guard let version else {
      throw ServiceError.notFound("\(Record.kind) \(code) has no version \(number)")
    }
    return version
  }

  /// The record's draft published as its next version, immutable, with a reason and an
  /// effective date (CAT-7).
  /// - Parameters:
  ///   - checkDraft: the kind's checks of the draft, run before the publication's own.
  ///   - content: the version's kind-specific content, from the draft, read on the call's
  ///     transaction; the publication's stamp is added to it.
  func publish<Record: VersionedRecord>(
    _: Record.Type, _ publication: Publication, requestID: String, context: ServerContext,
    checkDraft: (Record.Spec) throws -> Void = { _ in },
    content: (Record.Spec, Database) async throws -> Record.Version
  ) async throws -> Record.Version {
    let code = publication.code
    return try await service.change(requestID, context) { db in
      let store = VersionedStore<Record>(db: db)
      let record = try await store.lock(code)
      let draft = try Lifecycle.draftToPublish(
        Record.kind, code, state: record.state, draft: record.draft)
      try checkDraft(draft)
      try Lifecycle.checkReason(
        publication.reason, of: Record.kind, code, latestVersion: record.latestVersion)
      try Lifecycle.checkEffectiveOrder(publication.effective, latest: record.latestEffective)
      var version = try await content(draft, db)
      publication.stamp(
        &version, number: record.latestVersion + 1, at: clock.now, by: Caller.actor)
      return try await add(version, name: draft.name, publication, store)
    }
  }

  /// The record cancelled by a last version, which repeats the one before (CAT-7).
  func cancel<Record: VersionedRecord>(
    _: Record.Type, _ request: some PublicationRequest, context: ServerContext
  ) async throws -> Record.Version {
    let publication = try Publication(cancelling: Record.kind, request, today: clock.today)
    let code = publication.code
    return try await service.change(request.requestID, context) { db in
      let store = VersionedStore<Record>(db: db)
      let record = try await store.lock(code)
      try Lifecycle.checkCancellable(Record.kind, code, state: record.state)
      try Lifecycle.checkEffectiveOrder(publication.effective, latest: record.latestEffective)
      guard var version = try await store.version(code, record.latestVersion) else {
        throw ServiceError.notFound("\(Record.kind) \(code) has no version \(record.latestVersion)")
      }
      publication.stamp(
        &version, number: record.latestVersion + 1, at: clock.now, by: Caller.actor)
      return try await add(version, name: nil, publication, store)
    }
  }

  /// Stores the new version; hands back the record's move to it, and the version's event.
  private func add<Record: VersionedRecord>(
    _ version: Record.Version, name: String?, _ publication: Publication,
    _ store: VersionedStore<Record>
  ) async throws -> Change<Record.Version> {
    let moved = try await store.add(version, name: name, effective: publication.effective)
    let event = CatalogEvent.published(Record.kind).entry(
      version.recordCode, version, at: version.publishTime.date)
    return Change(version, statement: moved, events: [event])
  }
}
