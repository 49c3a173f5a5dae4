import Foundation
import HallContracts
import HallServer

/// What a spec may point at, read before validating (ListStore.references).
struct ItemReferences: Sendable {
  var departmentIDs: Set<String>
  var certificateIDs: Set<String>
  var intermediaryServiceIDs: Set<String>
}

/// Every rule an item's guide must meet before it is stored (CAT-2 to CAT-6). Each refusal
/// names the field at fault; validation runs in full before anything is written.
enum ItemValidator {
  static let codePattern = "letters, digits and '-', 2 to 40 characters"

  static func validateCode(_ code: String, field: String = "code") throws(ServiceError) {
    guard Identifiers.isCode(code) else {
      throw .invalidArgument(
        field: field, message: "must be \(codePattern), got \"\(Quote.brief(code))\"")
    }
  }

  static func validate(
    _ spec: ItemSpec, references: ItemReferences, field: String = "spec"
  ) throws(ServiceError) {
    func fail(_ path: String, _ message: String) -> ServiceError {
      .invalidArgument(field: "\(field).\(path)", message: message)
    }
    try Text.require(spec.name, field: "\(field).name", max: 200)
    guard references.departmentIDs.contains(spec.departmentID) else {
      throw fail("department_id", "no department \"\(spec.departmentID)\"")
    }
    guard CodeTables.isKnown(spec.kind) else {
      throw fail("kind", "must be an item kind of GB/T 39046 (e.g. 1 行政许可, 20 公共服务)")
    }
    guard !spec.levels.isEmpty else { throw fail("levels", "at least one level is required") }
    for (index, level) in spec.levels.enumerated() where !CodeTables.isKnown(level) {
      throw fail("levels[\(index)]", "must be an administrative level of GB/T 39046 (1 to 7)")
    }
    try Text.require(spec.legalBasis, field: "\(field).legal_basis", max: 4000)
    try validateConditions(spec, field: field, fail: fail)
    try validateLimits(spec, fail: fail)
    try validateSteps(spec, fail: fail)
    try validateFee(spec.fee, fail: fail)
    try validateChannels(spec, fail: fail)
    try validatePlacement(spec, fail: fail)
    try validateTexts(spec, field: field)
    try validateMaterials(spec, references: references, fail: fail)
    try validateIntermediaries(spec, references: references, fail: fail)
    try validateFormFields(spec, field: field, fail: fail)
  }

  /// Conditions are named one by one (CAT-6).
  private static func validateConditions(
    _ spec: ItemSpec, field: String, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    for (index, condition) in spec.conditions.enumerated() {
      try Text.require(condition, field: "\(field).conditions[\(index)]", max: 1000)
      if let phrase = VagueWording.refusedPhrase(in: condition) {
        throw fail(
          "conditions[\(index)]",
          "vague or catch-all wording \"\(phrase)\" is not allowed in a guide (CAT-6); name each condition"
        )
      }
    }
  }

  /// Only services on the intermediary-service list may be required (CAT-5).
  private static func validateIntermediaries(
    _ spec: ItemSpec, references: ItemReferences, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    var seenIntermediaries = Set<String>()
    for (index, id) in spec.intermediaryServiceIds.enumerated() {
      guard references.intermediaryServiceIDs.contains(id) else {
        throw fail(
          "intermediary_service_ids[\(index)]",
          "\"\(id)\" is not on the intermediary-service list (CAT-5)")
      }
      guard seenIntermediaries.insert(id).inserted else {
        throw fail("intermediary_service_ids[\(index)]", "\"\(id)\" is listed twice")
      }
    }
  }

  private static func validateFormFields(
    _ spec: ItemSpec, field: String, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    var seenKeys = Set<String>()
    for (index, formField) in spec.formFields.enumerated() {
      guard Identifiers.isFieldKey(formField.key) else {
        throw fail(
          "form_fields[\(index)].key", "must be letters, digits and '_', 1 to 60 characters")
      }
      guard seenKeys.insert(formField.key).inserted else {
        throw fail("form_fields[\(index)].key", "\"\(formField.key)\" appears twice")
      }
      try Text.require(formField.label, field: "\(field).form_fields[\(index)].label", max: 200)
    }
  }

  private static func validateLimits(
    _ spec: ItemSpec, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    let statutory = spec.statutoryLimitWorkingDays
    let promised = spec.promisedLimitWorkingDays
    guard (1...3650).contains(statutory) else {
      throw fail("statutory_limit_working_days", "must be 1 to 3650 working days, got \(statutory)")
    }
    guard promised >= 0 else {
      throw fail("promised_limit_working_days", "must not be negative, got \(promised)")
    }
    guard promised < statutory else {
      throw fail(
        "promised_limit_working_days",
        "must be strictly less than the statutory limit (\(statutory)), got \(promised) (Art. 34)")
    }
    switch spec.caseKind {
    case .onTheSpot:
      guard promised == 0 else {
        throw fail(
          "promised_limit_working_days",
          "an on-the-spot item (即办件) has promised limit 0, got \(promised)")
      }
    case .promised:
      guard promised >= 1 else {
        throw fail(
          "promised_limit_working_days",
          "a promised item (承诺件) needs at least 1 working day; use case_kind ON_THE_SPOT for 0")
      }
    default:
      throw fail("case_kind", "must be ON_THE_SPOT (即办件) or PROMISED (承诺件)")
    }
  }

  private static func validateSteps(
    _ spec: ItemSpec, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    for (index, step) in spec.steps.enumerated() {
      guard !step.name.trimmed.isEmpty else {
        throw fail("steps[\(index)].name", "is required")
      }
      guard (0...spec.statutoryLimitWorkingDays).contains(step.limitWorkingDays) else {
        throw fail(
          "steps[\(index)].limit_working_days",
          "must be 0 to the statutory limit (\(spec.statutoryLimitWorkingDays)), got \(step.limitWorkingDays)"
        )
      }
    }
    for (index, procedure) in spec.specialProcedures.enumerated() {
      guard procedure.kind == .extension || procedure.kind == .other else {
        throw fail("special_procedures[\(index)].kind", "must be EXTENSION or OTHER")
      }
      guard !procedure.name.trimmed.isEmpty else {
        throw fail("special_procedures[\(index)].name", "is required")
      }
      guard (1...3650).contains(procedure.maxWorkingDays) else {
        throw fail("special_procedures[\(index)].max_working_days", "must be 1 to 3650")
      }
      if case .UNRECOGNIZED = procedure.timeCounting {
        throw fail("special_procedures[\(index)].time_counting", "is not a known value")
      }
    }
  }

  /// Art. 38: a fee needs its legal basis and its standard; no fee means no amount.
  private static func validateFee(
    _ fee: Fee, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    guard fee.charged else {
      guard fee.amountFen == 0, fee.legalBasis.isEmpty, fee.standard.isEmpty, fee.name.isEmpty
      else {
        throw fail("fee.charged", "is false but the fee has a name, basis, standard or amount")
      }
      return
    }
    guard !fee.name.trimmed.isEmpty else { throw fail("fee.name", "a charged fee needs a name") }
    guard !fee.legalBasis.trimmed.isEmpty else {
      throw fail("fee.legal_basis", "a charged fee needs its legal basis (Art. 38)")
    }
    guard !fee.standard.trimmed.isEmpty else {
      throw fail("fee.standard", "a charged fee needs its charging standard (Art. 38)")
    }
    guard fee.amountFen >= 0 else { throw fail("fee.amount_fen", "must not be negative") }
  }

  private static func validateChannels(
    _ spec: ItemSpec, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    guard !spec.channels.isEmpty else {
      throw fail("channels", "at least one channel is required")
    }
    var seen = Set<Int>()
    for (index, channel) in spec.channels.enumerated() {
      guard CodeTables.isKnown(channel) else {
        throw fail("channels[\(index)]", "must be WINDOW, PC, MOBILE, COURIER or SELF_SERVICE")
      }
      guard seen.insert(channel.rawValue).inserted else {
        throw fail("channels[\(index)]", "\(channel) is listed twice")
      }
    }
    guard (0...9).contains(spec.maxVisits) else {
      throw fail("max_visits", "must be 0 to 9, got \(spec.maxVisits)")
    }
    if spec.maxVisits == 0,
      !spec.channels.contains(where: { $0 == .pc || $0 == .mobile })
    {
      throw fail("max_visits", "0 visits (不见面审批) needs an online channel (PC or MOBILE)")
    }
    guard (1...4).contains(spec.onlineDepth) else {
      throw fail("online_depth", "must be 1 to 4, got \(spec.onlineDepth)")
    }
  }

  private static func validatePlacement(
    _ spec: ItemSpec, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    switch spec.placement {
    case .inHall, .itemInStaffOnCall:
      break
    case .notInHall:
      guard !spec.placementReason.trimmed.isEmpty else {
        throw fail("placement_reason", "an item not in the hall needs the reason (seed 001)")
      }
    default:
      throw fail("placement", "must be IN_HALL, ITEM_IN_STAFF_ON_CALL or NOT_IN_HALL")
    }
  }

  private static func validateTexts(
    _ spec: ItemSpec, field: String
  ) throws(ServiceError) {
    for (index, faq) in spec.faqs.enumerated() {
      try Text.require(faq.question, field: "\(field).faqs[\(index)].question", max: 1000)
      try Text.require(faq.answer, field: "\(field).faqs[\(index)].answer", max: 4000)
    }
    for (name, documents) in [("samples", spec.samples), ("form_templates", spec.formTemplates)] {
      for (index, document) in documents.enumerated() {
        try Text.require(document.title, field: "\(field).\(name)[\(index)].title", max: 200)
        try Text.require(document.url, field: "\(field).\(name)[\(index)].url", max: 2000)
      }
    }
  }

  private static func validateMaterials(
    _ spec: ItemSpec, references: ItemReferences,
    fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    var ids = Set<String>()
    for (index, material) in spec.materials.enumerated() {
      let path = "materials[\(index)]"
      guard Identifiers.isMaterialID(material.id) else {
        throw fail("\(path).id", "must be letters, digits and '-', 1 to 40 characters")
      }
      guard ids.insert(material.id).inserted else {
        throw fail("\(path).id", "\"\(material.id)\" is used twice in this item")
      }
      guard !material.name.trimmed.isEmpty else { throw fail("\(path).name", "is required") }
      for (part, text) in [("name", material.name), ("description", material.description_p)] {
        if let phrase = VagueWording.refusedPhrase(in: text) {
          throw fail(
            "\(path).\(part)",
            "vague or catch-all wording \"\(phrase)\" is not allowed in a guide (CAT-6); name each material"
          )
        }
      }
      try validateForm(material, path: path, fail: fail)
      try validateSource(material, path: path, references: references, fail: fail)
    }
  }

  /// The form says how many originals and copies are brought, and the counts agree with it.
  private static func validateForm(
    _ material: Material, path: String, fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    switch material.form {
    case .original:
      guard material.originalCount >= 1, material.copyCount == 0 else {
        throw fail(
          "\(path).original_count", "an original needs original_count ≥ 1 and copy_count 0")
      }
    case .copy:
      guard material.copyCount >= 1, material.originalCount == 0 else {
        throw fail("\(path).copy_count", "a copy needs copy_count ≥ 1 and original_count 0")
      }
    case .originalAndCopy:
      guard material.originalCount >= 1, material.copyCount >= 1 else {
        throw fail("\(path).copy_count", "original and copy need both counts ≥ 1")
      }
    default:
      throw fail("\(path).form", "must be ORIGINAL, COPY or ORIGINAL_AND_COPY")
    }
    guard [.paper, .electronic, .paperOrElectronic].contains(material.medium) else {
      throw fail("\(path).medium", "must be PAPER, ELECTRONIC or PAPER_OR_ELECTRONIC")
    }
  }

  /// Where the material comes from, and the certificate-list entry a certificate is (CAT-4).
  private static func validateSource(
    _ material: Material, path: String, references: ItemReferences,
    fail: (String, String) -> ServiceError
  ) throws(ServiceError) {
    guard [.applicant, .electronicLicence, .dataSharing].contains(material.source) else {
      throw fail("\(path).source", "must be APPLICANT, ELECTRONIC_LICENCE or DATA_SHARING")
    }
    if material.shortfallEligible, material.source != .applicant {
      throw fail(
        "\(path).shortfall_eligible",
        "only a material the applicant brings can be supplied later (容缺); this one is fetched")
    }
    if !material.certificateID.isEmpty {
      guard references.certificateIDs.contains(material.certificateID) else {
        throw fail(
          "\(path).certificate_id",
          "\"\(material.certificateID)\" is not on the certificate list (CAT-4)")
      }
    } else if CertificateNaming.looksLikeCertificate(material.name),
      material.source == .applicant
    {
      throw fail(
        "\(path).certificate_id",
        "\"\(material.name)\" is a certificate (证明) and must point at a certificate-list entry (CAT-4)"
      )
    }
  }
}

/// A material the applicant must bring that is named a 证明 is a certificate, and only
/// certificates on the list may be demanded (Art. 23). Identity documents are named
/// 身份证明 but are not 证明事项.
enum CertificateNaming {
  static let identityDocuments = ["身份证明"]

  static func looksLikeCertificate(_ name: String) -> Bool {
    var rest = name
    for exempt in identityDocuments { rest = rest.replacingOccurrences(of: exempt, with: "") }
    return rest.contains("证明")
  }
}
