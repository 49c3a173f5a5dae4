import HallContracts
import HallServer

/// What a department (CAT-1), a certificate-list entry (CAT-4) and an intermediary-service
/// entry (CAT-5) must state before they are listed.
enum ListRules {
  /// The department as it is stored: its fields checked, its name trimmed.
  static func department(_ department: Department) throws(ServiceError) -> Department {
    try ItemValidator.validateCode(department.id, field: "department.id")
    try Text.require(department.name, field: "department.name", max: 200)
    let region = department.regionCode
    guard region.count == 6, region.allSatisfy(\.isASCII), region.allSatisfy(\.isNumber) else {
      throw .invalidArgument(
        field: "department.region_code", message: "must be a 6-digit GB/T 2260 division code")
    }
    guard
      [.city, .county, .township, .village, .provincial, .national].contains(department.level)
    else {
      throw .invalidArgument(
        field: "department.level", message: "must be CITY, COUNTY, TOWNSHIP or VILLAGE")
    }
    var department = department
    department.name = department.name.trimmed
    return department
  }

  /// A certificate-list entry names its legal basis, the unit that asks for it and the unit
  /// that issues it.
  static func validate(_ certificate: Certificate) throws(ServiceError) {
    try ItemValidator.validateCode(certificate.id, field: "certificate.id")
    try Text.require(certificate.name, field: "certificate.name", max: 200)
    try Text.require(certificate.legalBasis, field: "certificate.legal_basis", max: 4000)
    try Text.require(certificate.requestingUnit, field: "certificate.requesting_unit", max: 200)
    try Text.require(certificate.issuingUnit, field: "certificate.issuing_unit", max: 200)
  }

  static func validate(_ entry: IntermediaryService) throws(ServiceError) {
    try ItemValidator.validateCode(entry.id, field: "intermediary_service.id")
    try Text.require(entry.name, field: "intermediary_service.name", max: 200)
    try Text.require(entry.legalBasis, field: "intermediary_service.legal_basis", max: 4000)
  }
}
