import HallContracts
import HallServer

/// A district's own details of an item of its city's standard (FED-2): checked as the
/// standard's own location, phone and placement are, and laid over the standard in the
/// guide the district's public reads.
enum LocalDetailsRules {
  static func validate(_ details: ItemLocalDetails) throws(ServiceError) {
    try ItemValidator.validateCode(details.itemCode, field: "details.item_code")
    for (field, text, max) in [
      ("service_location", details.serviceLocation, 200),
      ("consultation_phone", details.consultationPhone, 40),
      ("placement_reason", details.placementReason, 500),
    ] where text.count > max {
      throw .invalidArgument(field: "details.\(field)", message: "is longer than \(max) characters")
    }
    switch details.placement {
    case .unspecified, .inHall, .itemInStaffOnCall:
      break
    case .notInHall:
      guard !details.placementReason.trimmed.isEmpty else {
        throw .invalidArgument(
          field: "details.placement_reason",
          message: "an item not in the hall needs the reason (seed 001)")
      }
    default:
      throw .invalidArgument(
        field: "details.placement",
        message: "must be IN_HALL, ITEM_IN_STAFF_ON_CALL or NOT_IN_HALL, or unset")
    }
  }

  /// The guide as the district's public reads it: where the district has said otherwise,
  /// its window, phone and placement instead of the standard's.
  static func overlay(_ details: ItemLocalDetails, on guide: inout Guide) {
    guide.localDetails = details
    if !details.serviceLocation.isEmpty {
      guide.version.spec.serviceLocation = details.serviceLocation
    }
    if !details.consultationPhone.isEmpty {
      guide.version.spec.consultationPhone = details.consultationPhone
    }
    if details.placement != .unspecified {
      guide.version.spec.placement = details.placement
      guide.version.spec.placementReason = details.placementReason
    }
  }
}
