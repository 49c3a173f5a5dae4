import Foundation
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Items (CAT-2, CAT-3, CAT-7) and one-thing bundles (CAT-8) share one life: a draft edited
/// freely, then immutable versions, each with a reason and an effective date, that take
/// effect in the order they are published; a cancellation is the last version, and a
/// cancelled record's code and names are never used again.
enum Publishable: String, Sendable {
  case item
  case bundle
}

/// What every draft has: the name it will be published under.
protocol DraftSpec: SwiftProtobuf.Message, Sendable {
  var name: String { get }
}

extension ItemSpec: DraftSpec {}
extension BundleSpec: DraftSpec {}

/// What every published version records, an item's and a bundle's alike.
protocol PublishedVersion: SwiftProtobuf.Message, Sendable {
  var version: Int32 { get set }
  var reason: ChangeReason { get set }
  var reasonNote: String { get set }
  var effectiveDate: CivilDateMessage { get set }
  var publishTime: Google_Protobuf_Timestamp { get set }
  var publishedBy: String { get set }
  var cancels: Bool { get set }
  /// The code of the item or bundle it is a version of.
  var recordCode: String { get }
}

extension ItemVersion: PublishedVersion {
  var recordCode: String { itemCode }
}

extension BundleVersion: PublishedVersion {
  var recordCode: String { bundleCode }
}

/// What each state allows, and the checks on a version's reason and effective date.
enum Lifecycle {
  /// A new record takes a code no record has had, not even a cancelled one (CAT-7).
  static func checkNew(
    _ kind: Publishable, _ code: String, existing: ItemState?
  ) throws(ServiceError) {
    guard let existing else { return }
    if existing == .cancelled {
      throw .failedPrecondition(
        "code \(code) belonged to a cancelled \(kind) and cannot be reused"
          + (kind == .item ? " (CAT-7)" : ""))
    }
    throw .alreadyExists("\(kind == .item ? "an" : "a") \(kind) with code \(code) exists")
  }

  /// Names are unique among records of a kind, and a name once published stays with its
  /// record for ever, so a cancelled item cannot return under another code (CAT-7).
  static func checkNameFree(
    _ kind: Publishable, _ name: String, owner: (code: String, state: ItemState)?
  ) throws(ServiceError) {
    guard let owner else { return }
    if kind == .item, owner.state == .cancelled {
      throw .failedPrecondition(
        "name \(name) belonged to cancelled item \(owner.code); a cancelled item cannot come back under another code (CAT-7)"
      )
    }
    throw .alreadyExists("\(kind) \(owner.code) already has the name \(name)")
  }

  /// A draft can be edited until the record is cancelled.
  static func checkEditable(
    _ kind: Publishable, _ code: String, state: ItemState
  ) throws(ServiceError) {
    guard state != .cancelled else {
      throw .failedPrecondition(
        "\(kind) \(code) is cancelled" + (kind == .item ? "; it cannot be edited" : ""))
    }
  }

  /// The draft to publish: there must be one, and the record must not be cancelled (CAT-7).
  static func draftToPublish<Spec: DraftSpec>(
    _ kind: Publishable, _ code: String, state: ItemState, draft: Spec?
  ) throws(ServiceError) -> Spec {
    guard state != .cancelled else {
      throw .failedPrecondition("\(kind) \(code) is cancelled" + (kind == .item ? " (CAT-7)" : ""))
    }
    guard let draft else {
      throw .failedPrecondition(
        "\(kind) \(code) has no draft to publish"
          + (kind == .item ? "; update the draft first" : ""))
    }
    return draft
  }

  /// Only a published record can be cancelled, and only once.
  static func checkCancellable(
    _ kind: Publishable, _ code: String, state: ItemState
  ) throws(ServiceError) {
    switch state {
    case .published:
      return
    case .cancelled:
      throw .failedPrecondition("\(kind) \(code) is already cancelled")
    default:
      throw .failedPrecondition(
        "\(kind) \(code) was never published; there is nothing to cancel")
    }
  }

  /// The reasons a publication may give: an item can also be taken over from, or delegated
  /// down to, another level; a cancellation has its own call.
  static func checkReasonAllowed(_ reason: ChangeReason, of kind: Publishable) throws(ServiceError)
  {
    switch kind {
    case .item:
      guard [.new, .takeOver, .delegateDown, .adjust].contains(reason) else {
        throw .invalidArgument(
          field: "reason",
          message: "must be NEW, TAKE_OVER, DELEGATE_DOWN or ADJUST (cancel with CancelItem)")
      }
    case .bundle:
      guard [.new, .adjust].contains(reason) else {
        throw .invalidArgument(
          field: "reason", message: "must be NEW or ADJUST (cancel with CancelBundle)")
      }
    }
  }

  /// NEW for the first version only, an adjustment never for it.
  static func checkReason(
    _ reason: ChangeReason, of kind: Publishable, _ code: String, latestVersion: Int32
  ) throws(ServiceError) {
    if latestVersion == 0, reason == .adjust {
      throw .invalidArgument(
        field: "reason",
        message: kind == .item
          ? "the first version of an item cannot be an adjustment"
          : "the first version of a bundle must be NEW")
    }
    if latestVersion > 0, reason == .new {
      throw .invalidArgument(
        field: "reason", message: "\(kind) \(code) is already published; use ADJUST")
    }
  }

  /// The effective date of a publication: today when unset, never in the past.
  static func effectiveDay(_ date: CivilDateMessage, today: CivilDate) throws(ServiceError)
    -> CivilDate
  {
    if Days.isUnset(date) { return today }
    let day = try Days.civil(date, field: "effective_date")
    guard day >= today else {
      throw .invalidArgument(
        field: "effective_date", message: "\(day) is in the past; today is \(today)")
    }
    return day
  }

  /// Versions take effect in the order they are published.
  static func checkEffectiveOrder(_ day: CivilDate, latest: CivilDate?) throws(ServiceError) {
    if let latest, latest > day {
      throw .invalidArgument(
        field: "effective_date",
        message: "must not be before the latest version's effective date \(latest)")
    }
  }
}

/// What a request to publish or to cancel states, an item's and a bundle's alike.
protocol PublicationRequest {
  var code: String { get }
  var reasonNote: String { get }
  var effectiveDate: CivilDateMessage { get }
  var requestID: String { get }
}

/// A request to publish a draft: it also gives the reason.
protocol PublishRequest: PublicationRequest {
  var reason: ChangeReason { get }
}

extension PublishItemRequest: PublishRequest {}
extension PublishBundleRequest: PublishRequest {}
extension CancelItemRequest: PublicationRequest {}
extension CancelBundleRequest: PublicationRequest {}

/// What a publication or a cancellation asks for, its own fields checked.
struct Publication: Sendable {
  let code: String
  /// ``ChangeReason/cancel`` for a cancellation.
  let reason: ChangeReason
  let note: String
  let effective: CivilDate

  /// A publication of `kind`'s draft.
  init(of kind: Publishable, _ request: some PublishRequest, today: CivilDate)
    throws(ServiceError)
  {
    try self.init(kind, request, reason: request.reason, today: today)
  }

  /// A cancellation of a record of `kind`.
  init(cancelling kind: Publishable, _ request: some PublicationRequest, today: CivilDate)
    throws(ServiceError)
  {
    try self.init(kind, request, reason: nil, today: today)
  }

  private init(
    _ kind: Publishable, _ request: some PublicationRequest, reason: ChangeReason?,
    today: CivilDate
  ) throws(ServiceError) {
    try ItemValidator.validateCode(request.code)
    try Text.require(request.reasonNote, field: "reason_note", max: 2000)
    if let reason { try Lifecycle.checkReasonAllowed(reason, of: kind) }
    self.code = request.code
    self.reason = reason ?? .cancel
    self.note = request.reasonNote
    self.effective = try Lifecycle.effectiveDay(request.effectiveDate, today: today)
  }

  /// Stamps `version` with what every publication records.
  func stamp<Version: PublishedVersion>(
    _ version: inout Version, number: Int32, at now: Date, by actor: String
  ) {
    version.version = number
    version.reason = reason
    version.reasonNote = note
    version.effectiveDate = Days.proto(effective)
    version.publishTime = .init(date: now)
    version.publishedBy = actor
    version.cancels = reason == .cancel
  }
}
