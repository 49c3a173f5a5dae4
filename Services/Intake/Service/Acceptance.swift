import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// The acceptance decision (INT-3) against the item version in force at that instant:
/// accepted; accepted with a shortfall [容缺] when only shortfall-eligible materials are
/// missing and the applicant commits to supply them; returned for correction with one notice
/// listing every missing and defective material [一次告知]; or refused with the reason.
/// Single cases and the sub-cases of one-thing applications go through the same steps.
struct Acceptance {
  let policy: IntakePolicy
  let logger: Logger

  /// What the clerk decided beside the materials.
  struct Request {
    /// Reasons by material id of the case's guide.
    var defects: [String: String] = [:]
    var shortfallCommitment = ""
    var shortfallWorkingDays: Int32 = 0
    var refusalReason: Hall_Intake_V1_RefusalReason = .unspecified
    var refusalDetail = ""
  }

  /// The guide's materials with their status, given the ids the applicant brought. Materials
  /// from electronic licences or data sharing are never asked for (Art. 24).
  static func materials(
    of spec: Hall_Catalog_V1_ItemSpec, provided: Set<String>
  ) -> [Hall_Intake_V1_CaseMaterial] {
    spec.materials.map { material in
      .with {
        $0.materialID = material.id
        $0.name = material.name
        $0.required = material.required
        $0.shortfallEligible = material.shortfallEligible
        $0.status =
          if material.source == .electronicLicence || material.source == .dataSharing {
            .notAsked
          } else if provided.contains(material.id) {
            .provided
          } else {
            material.required ? .missing : .notBrought
          }
      }
    }
  }

  /// Decides acceptance of a received case, given the item's standing now; returns the
  /// timeline action.
  func decide(
    _ kase: inout Hall_Intake_V1_Case, _ request: Request,
    standing: CatalogReplica.ItemStanding, by principal: Principal,
    calendar: WorkingCalendar, on connection: PostgresConnection, now: Date
  ) async throws -> (action: String, note: String) {
    try CaseAccess.requireState(kase, in: [.received], to: "decide acceptance")
    if kase.hallID.isEmpty { kase.hallID = principal.hallID ?? "" }
    let today = Days.today(now: now)
    let version: Hall_Catalog_V1_ItemVersion
    switch standing {
    case .inForce(let inForce):
      version = inForce
    case .cancelled(let last):
      Self.refuse(
        &kase, reason: .itemCancelled,
        detail:
          "事项 \(kase.itemCode) 已于 \(Days.text(last.effectiveDate)) 取消 (version \(last.version))",
        by: principal.subject, now: now)
      return ("refused", kase.refusal.detail)
    case .notYetEffective(let first):
      Self.refuse(
        &kase, reason: .itemNotYetEffective,
        detail: "事项 \(kase.itemCode) 自 \(first) 起施行", by: principal.subject, now: now)
      return ("refused", kase.refusal.detail)
    case .unknown:
      throw ServiceError.failedPrecondition("item \(kase.itemCode) is not in the catalog")
    }
    switch request.refusalReason {
    case .unspecified:
      break
    case .outsideJurisdiction, .conditionsNotMet:
      try Text.require(request.refusalDetail, field: "refusal_detail", max: 500)
      Self.refuse(
        &kase, reason: request.refusalReason, detail: request.refusalDetail,
        by: principal.subject, now: now)
      return ("refused", request.refusalDetail)
    default:
      throw ServiceError.invalidArgument(
        field: "refusal_reason",
        message:
          "a clerk refuses for OUTSIDE_JURISDICTION or CONDITIONS_NOT_MET; the others are the platform's"
      )
    }

    // The version in force now is the one the case keeps (CAT-7).
    let provided = Set(kase.materials.filter { $0.status == .provided }.map(\.materialID))
    Self.adopt(version, into: &kase, provided: provided)
    for (id, reason) in request.defects.sorted(by: { $0.key < $1.key }) {
      guard let index = kase.materials.firstIndex(where: { $0.materialID == id }) else {
        throw ServiceError.invalidArgument(
          field: "defects", message: "\(id) is not a material of the guide")
      }
      guard kase.materials[index].status == .provided else {
        throw ServiceError.invalidArgument(
          field: "defects", message: "\(id) was not brought, so it cannot be defective")
      }
      try Text.require(reason, field: "defects.reason", max: 200)
      kase.materials[index].status = .defective
      kase.materials[index].note = reason
    }
    let missing = kase.materials.filter { $0.status == .missing }
    let defective = kase.materials.filter { $0.status == .defective }
    let promised = version.spec.promisedLimitWorkingDays

    if missing.isEmpty && defective.isEmpty {
      try start(&kase, version: version, by: principal, calendar: calendar, now: now)
      return ("accepted", "")
    }
    guard !request.shortfallCommitment.trimmed.isEmpty else {
      // In the guide's order, as the applicant reads the guide.
      Self.requestCorrection(
        &kase, items: kase.materials.filter { $0.status == .missing || $0.status == .defective },
        duringReview: false, by: principal.subject, now: now)
      return ("correction_requested", "\(missing.count + defective.count) materials to correct")
    }
    // 容缺受理: only missing, only eligible, only for an item decided later.
    guard defective.isEmpty else {
      throw ServiceError.failedPrecondition(
        "shortfall acceptance covers missing materials only; defective ones must be corrected: "
          + defective.map(\.name).joined(separator: "、"))
    }
    let ineligible = missing.filter { !$0.shortfallEligible }
    guard ineligible.isEmpty else {
      throw ServiceError.failedPrecondition(
        "shortfall acceptance needs every missing material to be shortfall-eligible; not eligible: "
          + ineligible.map { "\($0.materialID) \($0.name)" }.joined(separator: "、"))
    }
    guard promised > 0 else {
      throw ServiceError.failedPrecondition(
        "an on-the-spot item is decided at acceptance; shortfall acceptance needs a promised item")
    }
    try Text.require(request.shortfallCommitment, field: "shortfall_commitment", max: 500)
    let days =
      request.shortfallWorkingDays == 0
      ? Int32(policy.shortfallWorkingDays) : request.shortfallWorkingDays
    guard (1...promised).contains(days) else {
      throw ServiceError.invalidArgument(
        field: "shortfall_working_days", message: "must be 1 to the promised limit (\(promised))")
    }
    try await Self.checkShortfallBan(
      kase.applicant.idNumber, today: today, on: connection, logger: logger)
    try start(&kase, version: version, by: principal, calendar: calendar, now: now)
    let supplementBy = try calendar.dueTime(after: Int(days), from: now)
    kase.shortfall = .with {
      $0.materialIds = missing.map(\.materialID)
      $0.commitment = request.shortfallCommitment
      $0.supplementDeadline = .init(date: min(supplementBy, kase.deadline.dueTime.date))
    }
    for index in kase.materials.indices where kase.materials[index].status == .missing {
      kase.materials[index].status = .promised
    }
    return ("accepted_with_shortfall", "容缺: " + missing.map(\.name).joined(separator: "、"))
  }

  /// Copies what the case keeps of the version it is handled under.
  static func adopt(
    _ version: Hall_Catalog_V1_ItemVersion, into kase: inout Hall_Intake_V1_Case,
    provided: Set<String>
  ) {
    kase.itemVersion = version.version
    kase.itemName = version.spec.name
    kase.departmentID = version.spec.departmentID
    kase.maxVisits = version.spec.maxVisits
    kase.caseKind = version.caseKind
    // A case sent back for correction at the window stays a supplement case [补办件] when it is
    // accepted at last (INT-4): the five kinds count how cases went, not how they end.
    if kase.category != .supplement {
      kase.category = version.spec.promisedLimitWorkingDays == 0 ? .onTheSpot : .promised
    }
    kase.materials = materials(of: version.spec, provided: provided)
  }

  /// Accepted: the clock starts (INT-5).
  private func start(
    _ kase: inout Hall_Intake_V1_Case, version: Hall_Catalog_V1_ItemVersion,
    by principal: Principal, calendar: WorkingCalendar, now: Date
  ) throws {
    kase.state = .accepted
    kase.acceptTime = .init(date: now)
    kase.acceptedBy = principal.subject
    kase.deadline = try DeadlineClock.start(
      at: now, budget: version.spec.promisedLimitWorkingDays,
      statutory: version.spec.statutoryLimitWorkingDays, calendar: calendar)
  }

  static func refuse(
    _ kase: inout Hall_Intake_V1_Case, reason: Hall_Intake_V1_RefusalReason, detail: String,
    by actor: String, now: Date
  ) {
    kase.state = .refused
    kase.category = .returned
    kase.finishTime = .init(date: now)
    kase.refusal = .with {
      $0.reason = reason
      $0.detail = detail
      $0.time = .init(date: now)
      $0.refusedBy = actor
    }
  }

  /// One notice with everything to correct (一次性告知).
  static func requestCorrection(
    _ kase: inout Hall_Intake_V1_Case, items: [Hall_Intake_V1_CaseMaterial], duringReview: Bool,
    by actor: String, now: Date
  ) {
    kase.state = .correctionRequested
    if !duringReview { kase.category = .supplement }
    kase.correctionNotices.append(
      .with {
        $0.noticeNumber = "\(kase.caseNumber)-BZ\(kase.correctionNotices.count + 1)"
        $0.issueTime = .init(date: now)
        $0.issuedBy = actor
        $0.duringReview = duringReview
        $0.items = items.map { material in
          .with {
            $0.materialID = material.materialID
            $0.materialName = material.name
            $0.problem = material.status == .defective ? .defective : .missing
            $0.detail = material.status == .defective ? material.note : "请提交\(material.name)"
          }
        }
      })
  }

  /// A broken commitment bars shortfall acceptance for a while (Zhengzhou, local).
  static func checkShortfallBan(
    _ applicantID: String, today: CivilDate, on connection: PostgresConnection, logger: Logger
  ) async throws {
    let rows = try await connection.query(
      """
      SELECT until_day, case_number FROM shortfall_bans
      WHERE applicant_id = \(applicantID) AND until_day > \(today.dayNumber)
      """, logger: logger
    ).collect()
    if let row = rows.first {
      let (until, caseNumber) = try row.decode((Int, String).self)
      throw ServiceError.failedPrecondition(
        "the applicant broke a shortfall commitment on case \(caseNumber): no shortfall acceptance before \(CivilDate(dayNumber: until))"
      )
    }
  }
}

extension Acceptance.Request {
  init(_ request: Hall_Intake_V1_AcceptCaseRequest) throws {
    try self.init(
      defects: request.defects, shortfallCommitment: request.shortfallCommitment,
      shortfallWorkingDays: request.shortfallWorkingDays, refusalReason: request.refusalReason,
      refusalDetail: request.refusalDetail)
  }

  init(_ decision: Hall_Intake_V1_AcceptanceDecision) throws {
    try self.init(
      defects: decision.defects, shortfallCommitment: decision.shortfallCommitment,
      shortfallWorkingDays: decision.shortfallWorkingDays, refusalReason: decision.refusalReason,
      refusalDetail: decision.refusalDetail)
  }

  private init(
    defects: [Hall_Intake_V1_MaterialDefect], shortfallCommitment: String,
    shortfallWorkingDays: Int32, refusalReason: Hall_Intake_V1_RefusalReason,
    refusalDetail: String
  ) throws {
    self.init(
      shortfallCommitment: shortfallCommitment, shortfallWorkingDays: shortfallWorkingDays,
      refusalReason: refusalReason, refusalDetail: refusalDetail)
    for (index, defect) in defects.enumerated() {
      guard self.defects.updateValue(defect.reason, forKey: defect.materialID) == nil else {
        throw ServiceError.invalidArgument(
          field: "defects[\(index)].material_id", message: "\(defect.materialID) is listed twice")
      }
    }
  }
}
