import Foundation
import HallServer
import SwiftProtobuf

/// The events of the catalog's feed (REL-2): intake and supervision keep their copies of
/// the catalog from them (CatalogReplica), by these types.
enum CatalogEvent: String {
  case departmentCreated = "catalog.department.created"
  case certificateCreated = "catalog.certificate.created"
  case intermediaryServiceCreated = "catalog.intermediary_service.created"
  /// A new version of an item, a cancelling one included.
  case itemVersionPublished = "catalog.item_version.published"
  /// A new version of a bundle, a cancelling one included.
  case bundleVersionPublished = "catalog.bundle_version.published"
  case calendarYearPut = "catalog.calendar_year.put"
  case hallHoursSet = "catalog.hall_hours.set"
  /// A district's own details of an item of its city's standard (FED-2).
  case itemLocalDetailsSet = "catalog.item.local_details_set"

  /// The event of a new version of an item or a bundle.
  static func published(_ kind: Publishable) -> CatalogEvent {
    kind == .item ? .itemVersionPublished : .bundleVersionPublished
  }

  /// This event about `aggregateID`, as the outbox takes it.
  func entry(_ aggregateID: String, _ payload: any SwiftProtobuf.Message, at instant: Date)
    -> Outbox.Entry
  {
    Outbox.Entry(type: rawValue, aggregateID: aggregateID, payload: payload, at: instant)
  }
}

/// What the audit trail (SEC-3) says was done, in the words it has always used.
enum AuditAction {
  case create(Publishable)
  case updateDraft(Publishable)
  case publish(Publishable)
  case cancel(Publishable)
  case createDepartment
  /// A certificate or an intermediary service added to its list.
  case createListEntry
  case putCalendarYear
  case setHallHours
  case setLocalDetails

  var text: String {
    switch self {
    case .create(let kind): "create_\(kind)"
    case .updateDraft(let kind): "update_\(kind)_draft"
    case .publish(let kind): "publish_\(kind)"
    case .cancel(let kind): "cancel_\(kind)"
    case .createDepartment: "create_department"
    case .createListEntry: "create"
    case .putCalendarYear: "put_calendar_year"
    case .setHallHours: "set_hall_hours"
    case .setLocalDetails: "set_item_local_details"
    }
  }
}
