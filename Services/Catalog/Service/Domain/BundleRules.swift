import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// What a one-thing bundle (CAT-8, Art. 33) must be: at least two distinct items, none
/// cancelled, led by a department that handles one of them; its published version is made of
/// the member versions in force on its effective date.
enum BundleRules {
  /// The spec's own fields, and the department it names.
  static func validate(_ spec: BundleSpec, references: ItemReferences) throws(ServiceError) {
    try Text.require(spec.name, field: "spec.name", max: 200)
    try Text.require(spec.description_p, field: "spec.description", max: 4000)
    guard spec.memberItemCodes.count >= 2 else {
      throw .invalidArgument(
        field: "spec.member_item_codes", message: "a one-thing bundle needs at least two items")
    }
    var seen = Set<String>()
    for (index, code) in spec.memberItemCodes.enumerated() {
      guard seen.insert(code).inserted else {
        throw .invalidArgument(
          field: "spec.member_item_codes[\(index)]", message: "\(code) is listed twice")
      }
    }
    guard references.departmentIDs.contains(spec.leadDepartmentID) else {
      throw .invalidArgument(
        field: "spec.lead_department_id", message: "no department \"\(spec.leadDepartmentID)\"")
    }
  }

  /// Every member is an item, and none is cancelled.
  static func checkMembers(_ codes: [String], states: [String: ItemState]) throws(ServiceError) {
    for (index, code) in codes.enumerated() {
      guard let state = states[code] else {
        throw .invalidArgument(
          field: "spec.member_item_codes[\(index)]", message: "no item \(code)")
      }
      guard state != .cancelled else {
        throw .invalidArgument(
          field: "spec.member_item_codes[\(index)]", message: "item \(code) is cancelled")
      }
    }
  }

  /// Member `index` as the bundle takes it: its version in force on the bundle's effective
  /// date, which must not cancel it.
  static func member(
    _ code: String, index: Int, inForce version: ItemVersion?, on day: CivilDate
  ) throws(ServiceError) -> ItemVersion {
    guard let version else {
      throw .failedPrecondition(
        "member item \(code) (member_item_codes[\(index)]) has no published version in force on \(day)"
      )
    }
    guard !version.cancels else {
      throw .failedPrecondition(
        "member item \(code) (member_item_codes[\(index)]) is cancelled on \(day)")
    }
    return version
  }

  /// The bundle's version content (``Lifecycle/Publication/stamp(_:number:at:by:)`` adds
  /// the rest): the members, and what is merged from them.
  static func version(
    _ code: String, spec: BundleSpec, members: [ItemVersion]
  ) throws(ServiceError) -> BundleVersion {
    guard members.contains(where: { $0.spec.departmentID == spec.leadDepartmentID }) else {
      throw .invalidArgument(
        field: "draft.lead_department_id",
        message: "the lead department \(spec.leadDepartmentID) handles none of the member items")
    }
    let merged = BundleMerger.merge(members: members, leadDepartmentID: spec.leadDepartmentID)
    return .with {
      $0.bundleCode = code
      $0.spec = spec
      $0.members = members
      $0.materials = merged.materials
      $0.formFields = merged.formFields
      $0.promisedLimitWorkingDays = merged.promisedLimit
      $0.statutoryLimitWorkingDays = merged.statutoryLimit
      $0.departmentIds = merged.departmentIDs
    }
  }
}
