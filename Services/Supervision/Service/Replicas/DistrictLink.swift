import HallServer

/// A district whose intake and rating feeds a city's supervision follows (FED-3): what its
/// events are told apart by here. Every id a district sends begins with its region's prefix
/// (``DeploymentIdentity/idPrefix``), and its records count in its region whatever
/// department they name; an event for another region is refused (and parked, with the
/// reason), never counted where it does not belong.
struct DistrictLink: Sendable {
  let name: String
  let regionCode: String

  init(_ neighbour: DeploymentIdentity.Neighbour) {
    name = neighbour.name
    regionCode = neighbour.regionCode
  }

  /// Refuses a record whose id is not this district's.
  func check(_ id: String, _ what: String) throws {
    guard id.hasPrefix("\(regionCode)-") else {
      throw ServiceError.failedPrecondition(
        "\(what) \(Quote.brief(id)) is not of region \(regionCode), the region of \(name)'s link")
    }
  }
}
