import Foundation
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// A district's copy of its city's catalog (FED-2): the city's departments, items and
/// bundles, and its working calendar, taken from the city catalog's feed as the standard,
/// marked with the city's name so that only the city changes them
/// (``VersionedStore/lock(_:)``), and announced again on the district's own feed, which the
/// district's intake and supervision follow as they follow any catalog change.
struct CityCatalog {
  /// The city's deployment name.
  let owner: String

  static let eventTypes = [
    CatalogEvent.departmentCreated, .certificateCreated, .intermediaryServiceCreated,
    .itemVersionPublished, .bundleVersionPublished, .calendarYearPut,
  ].map(\.rawValue)

  /// Applies one event of the city's feed; an event of another type is passed.
  func apply(_ event: FeedEvent, on db: Database) async throws {
    let payload = event.payload.value
    let at = event.occurredAt.date
    switch CatalogEvent(rawValue: event.type) {
    case .departmentCreated:
      // What comes over the link is checked as a local call's would be: a bad record is
      // refused here, and parked with the reason, rather than stored.
      let department = try ListRules.department(try Department(serializedBytes: payload))
      guard try await ListStore(db: db).take(department, from: owner) else { return }
      try await Outbox.append(
        [CatalogEvent.departmentCreated.entry(department.id, department, at: at)], on: db)
    case .certificateCreated:
      let entry = try Certificate(serializedBytes: payload)
      try ListRules.validate(entry)
      try await take(
        entry, .certificates, id: entry.id, name: entry.name, event: .certificateCreated, at: at,
        on: db)
    case .intermediaryServiceCreated:
      let entry = try IntermediaryService(serializedBytes: payload)
      try ListRules.validate(entry)
      try await take(
        entry, .intermediaryServices, id: entry.id, name: entry.name,
        departmentID: entry.departmentID, event: .intermediaryServiceCreated, at: at, on: db)
    case .itemVersionPublished:
      let version = try ItemVersion(serializedBytes: payload)
      try ItemValidator.validateCode(version.itemCode, field: "item_code")
      try ItemValidator.validate(version.spec, references: try await db.lists.references())
      try await take(version, Item.self, name: \.spec.name, on: db)
    case .bundleVersionPublished:
      let version = try BundleVersion(serializedBytes: payload)
      try ItemValidator.validateCode(version.bundleCode, field: "bundle_code")
      try BundleRules.validate(version.spec, references: try await db.lists.references())
      try await take(version, Bundle.self, name: \.spec.name, on: db)
    case .calendarYearPut:
      let year = try CalendarYearMessage(serializedBytes: payload)
      _ = try CalendarConversions.library(year)
      try await CalendarStore(db: db).put(year)
      try await Outbox.append(
        [CatalogEvent.calendarYearPut.entry(String(year.year), year, at: at)], on: db)
    default:
      return
    }
  }

  /// Takes an entry of the certificate or intermediary list, and announces it.
  private func take(
    _ entry: some SwiftProtobuf.Message, _ table: ListStore.Table, id: String, name: String,
    departmentID: String? = nil, event: CatalogEvent, at: Date, on db: Database
  ) async throws {
    guard
      try await ListStore(db: db).take(
        table, id: id, name: name, departmentID: departmentID, body: entry, from: owner)
    else { return }
    try await Outbox.append([event.entry(id, entry, at: at)], on: db)
  }

  /// Takes a version of an item or a bundle, and announces it as the district's.
  private func take<Record: VersionedRecord>(
    _ version: Record.Version, _: Record.Type, name: KeyPath<Record.Version, String>,
    on db: Database
  ) async throws {
    guard
      let moved = try await VersionedStore<Record>(db: db).take(
        version, name: version.cancels ? nil : version[keyPath: name], from: owner)
    else { return }
    let event = CatalogEvent.published(Record.kind).entry(
      version.recordCode, version, at: version.publishTime.date)
    try await Outbox.append([event], alongside: moved, on: db)
  }
}
