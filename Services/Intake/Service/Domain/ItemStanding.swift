import HallCalendar
import HallContracts
import HallServer

/// What the catalog says about an item on a given day (CAT-7).
enum ItemStanding: Sendable {
  /// The version in force.
  case inForce(ItemVersion)
  /// Cancelled from a day on or before it; the last guide in force is kept.
  case cancelled(ItemVersion)
  /// Published, but no version is in force yet.
  case notYetEffective(firstDay: CivilDate)
  /// Never published (or not replicated yet).
  case unknown
  /// In force in the city's standard, but this district has said it does not handle it
  /// (FED-2, the catalog's local details).
  case notHandledHere(ItemVersion)

  /// The version in force, or the precise reason there is none, for an application.
  func version(of code: String) throws(ServiceError) -> ItemVersion {
    switch self {
    case .inForce(let version):
      return version
    case .cancelled(let last):
      throw .failedPrecondition(
        "item \(code) is cancelled from \(Days.text(last.effectiveDate)) and cannot be applied for")
    case .notYetEffective(let first):
      throw .failedPrecondition("item \(code) is not in force before \(first)")
    case .unknown:
      throw .notFound("item \(code) is not in the published catalog")
    case .notHandledHere:
      throw .failedPrecondition(
        "item \(code) is not handled in this hall: its catalog's local details say so")
    }
  }
}
