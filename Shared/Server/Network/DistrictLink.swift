/// A district whose feeds a city follows, its supervision the intake and rating (FED-3), its
/// intake the cases passed up (FED-4): what its events are told apart by there. Every id a
/// district sends begins with its region's prefix (``DeploymentIdentity/idPrefix``), and its
/// records count in its region whatever department they name; an event for another region is
/// refused (and parked, with the reason), never counted where it does not belong.
public struct DistrictLink: Sendable {
  public let name: String
  public let regionCode: String

  public init(_ neighbour: DeploymentIdentity.Neighbour) {
    name = neighbour.name
    regionCode = neighbour.regionCode
  }

  /// Refuses a record whose id is not this district's.
  public func check(_ id: String, _ what: String) throws {
    guard id.hasPrefix("\(regionCode)-") else {
      throw ServiceError.failedPrecondition(
        "\(what) \(Quote.brief(id)) is not of region \(regionCode), the region of \(name)'s link")
    }
  }
}
