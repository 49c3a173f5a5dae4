import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// The acceptance decision (INT-3) against the item version in force at that instant:
/// accepted; accepted with a shortfall [容缺] when only shortfall-eligible materials are
/// missing and the applicant commits to supply them; returned for correction with one notice
/// listing every missing and defective material [一次告知]; or refused with the reason.
/// Single cases and the sub-cases of one-thing applications go through the same steps.
///
/// A function of what the caller read: the item's standing, the working calendar and, for a
/// shortfall acceptance only, the applicant's record of broken commitments (``ShortfallBan``),
/// which no other decision needs and so is read only then.
struct Acceptance {
  let rules: IntakeRules

  /// What the clerk decided beside the materials.
  struct Request {
    /// Reasons by material id of the case's guide.
    var defects: [String: String] = [:]
    var shortfallCommitment = ""
    var shortfallWorkingDays: Int32 = 0
    var refusalReason: RefusalReason = .unspecified
    var refusalDetail = ""
  }

  /// How a decision came out.
  enum Outcome {
    /// Decided, with the step to trace.
    case decided(CaseStep)
    /// A shortfall acceptance [容缺受理] that the materials allow, on terms the decision has
    /// checked; the applicant's record decides it (``acceptWithShortfall(_:_:ban:by:calendar:now:)``).
    case shortfall(ShortfallTerms)
  }

  /// What a shortfall acceptance promises: the materials owed and how long the applicant has.
  struct ShortfallTerms {
    var version: ItemVersion
    var missing: [CaseMaterial]
    var commitment: String
    var workingDays: Int32
  }

  /// Why a case is decided against a version, or refused at once.
  private enum Ground {
    case version(ItemVersion)
    case refusal(RefusalReason, detail: String)
  }

  /// The guide's materials with their status, given the ids the applicant brought. Materials
  /// from electronic licences or data sharing are never asked for (Art. 24).
  static func materials(of spec: ItemSpec, provided: Set<String>) -> [CaseMaterial] {
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

  /// Decides acceptance of a received case, given the item's standing now.
  func decide(
    _ kase: inout Case, _ request: Request, standing: ItemStanding, by principal: Principal,
    calendar: WorkingCalendar, now: Date
  ) throws -> Outcome {
    try CaseAccess.requireState(kase, in: [.received], to: "decide acceptance")
    if kase.hallID.isEmpty { kase.hallID = principal.hallID ?? "" }
    let version: ItemVersion
    switch try Self.ground(standing, request, code: kase.itemCode) {
    case .version(let inForce):
      version = inForce
    case .refusal(let reason, let detail):
      Self.refuse(&kase, reason: reason, detail: detail, by: principal.subject, now: now)
      return .decided(CaseStep(.refused, note: detail))
    }
    // The version in force now is the one the case keeps (CAT-7).
    let provided = Set(kase.materials.filter { $0.status == .provided }.map(\.materialID))
    Self.adopt(version, into: &kase, provided: provided)
    try Self.mark(request.defects, in: &kase)
    let missing = kase.materials.filter { $0.status == .missing }
    let defective = kase.materials.filter { $0.status == .defective }
    if missing.isEmpty && defective.isEmpty {
      try Self.start(&kase, version: version, by: principal, calendar: calendar, now: now)
      return .decided(CaseStep(.accepted))
    }
    guard !request.shortfallCommitment.trimmed.isEmpty else {
      // In the guide's order, as the applicant reads the guide.
      Self.requestCorrection(
        &kase, items: kase.materials.filter { $0.status == .missing || $0.status == .defective },
        duringReview: false, by: principal.subject, now: now)
      return .decided(
        CaseStep(
          .correctionRequested, note: "\(missing.count + defective.count) materials to correct"))
    }
    return .shortfall(
      try shortfallTerms(request, version: version, missing: missing, defective: defective))
  }

  /// The version to decide against, or the refusal that the item's standing or the clerk
  /// gives.
  private static func ground(_ standing: ItemStanding, _ request: Request, code: String) throws
    -> Ground
  {
    let version: ItemVersion
    switch standing {
    case .inForce(let inForce):
      version = inForce
    case .cancelled(let last):
      return .refusal(
        .itemCancelled,
        detail: "事项 \(code) 已于 \(Days.text(last.effectiveDate)) 取消 (version \(last.version))")
    case .notYetEffective(let first):
      return .refusal(.itemNotYetEffective, detail: "事项 \(code) 自 \(first) 起施行")
    case .unknown:
      throw ServiceError.failedPrecondition("item \(code) is not in the catalog")
    case .notHandledHere:
      return .refusal(.outsideJurisdiction, detail: "事项 \(code) 本级未实施")
    }
    switch request.refusalReason {
    case .unspecified:
      return .version(version)
    case .outsideJurisdiction, .conditionsNotMet:
      try Text.require(request.refusalDetail, field: "refusal_detail", max: 500)
      return .refusal(request.refusalReason, detail: request.refusalDetail)
    default:
      throw ServiceError.invalidArgument(
        field: "refusal_reason",
        message:
          "a clerk refuses for OUTSIDE_JURISDICTION or CONDITIONS_NOT_MET; the others are the platform's"
      )
    }
  }

  /// Marks the materials the clerk found not acceptable, each with its reason.
  private static func mark(_ defects: [String: String], in kase: inout Case) throws {
    for (id, reason) in defects.sorted(by: { $0.key < $1.key }) {
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
  }

  /// 容缺受理: only missing, only eligible, only for an item decided later.
  private func shortfallTerms(
    _ request: Request, version: ItemVersion, missing: [CaseMaterial], defective: [CaseMaterial]
  ) throws -> ShortfallTerms {
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
    let promised = version.spec.promisedLimitWorkingDays
    guard promised > 0 else {
      throw ServiceError.failedPrecondition(
        "an on-the-spot item is decided at acceptance; shortfall acceptance needs a promised item")
    }
    try Text.require(request.shortfallCommitment, field: "shortfall_commitment", max: 500)
    let days =
      request.shortfallWorkingDays == 0
      ? Int32(rules.shortfallWorkingDays) : request.shortfallWorkingDays
    guard (1...promised).contains(days) else {
      throw ServiceError.invalidArgument(
        field: "shortfall_working_days", message: "must be 1 to the promised limit (\(promised))")
    }
    return ShortfallTerms(
      version: version, missing: missing, commitment: request.shortfallCommitment,
      workingDays: days)
  }

  /// Accepts with a shortfall on `terms`, unless the applicant broke a commitment and is
  /// barred (Zhengzhou, local): the clock starts, and the materials owed are due within the
  /// days allowed, never after the case's own due time.
  func acceptWithShortfall(
    _ kase: inout Case, _ terms: ShortfallTerms, ban: ShortfallBan?, by principal: Principal,
    calendar: WorkingCalendar, now: Date
  ) throws -> CaseStep {
    if let ban {
      throw ServiceError.failedPrecondition(
        "the applicant broke a shortfall commitment on case \(ban.caseNumber): no shortfall acceptance before \(ban.until)"
      )
    }
    try Self.start(&kase, version: terms.version, by: principal, calendar: calendar, now: now)
    let supplementBy = try calendar.dueTime(after: Int(terms.workingDays), from: now)
    kase.shortfall = .with {
      $0.materialIds = terms.missing.map(\.materialID)
      $0.commitment = terms.commitment
      $0.supplementDeadline = .init(date: min(supplementBy, kase.deadline.dueTime.date))
    }
    for index in kase.materials.indices where kase.materials[index].status == .missing {
      kase.materials[index].status = .promised
    }
    return CaseStep(
      .acceptedWithShortfall, note: "容缺: " + terms.missing.map(\.name).joined(separator: "、"))
  }

  /// Traces the decision and returns its events. An on-the-spot item accepted is decided in
  /// the same call, a second step (INT-6: 即办件 are decided at once, by the accepting window).
  static func record(_ step: CaseStep, on kase: inout Case, by principal: Principal, now: Date)
    -> [Outbox.Entry]
  {
    var events = [kase.trace(step, now: now)]
    if step.action == .accepted, kase.category == .onTheSpot {
      kase.state = .approved
      kase.decision = .with {
        $0.approved = true
        $0.reason = "即办件，受理即办结"
        $0.time = .init(date: now)
        $0.decidedBy = principal.subject
      }
      events.append(kase.trace(.decided, note: "on the spot", now: now))
    }
    return events
  }

  /// Copies what the case keeps of the version it is handled under.
  static func adopt(_ version: ItemVersion, into kase: inout Case, provided: Set<String>) {
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
  private static func start(
    _ kase: inout Case, version: ItemVersion, by principal: Principal,
    calendar: WorkingCalendar, now: Date
  ) throws {
    kase.state = .accepted
    kase.acceptTime = .init(date: now)
    kase.acceptedBy = principal.subject
    kase.deadline = try DeadlineClock.start(
      at: now, budget: version.spec.promisedLimitWorkingDays,
      statutory: version.spec.statutoryLimitWorkingDays, calendar: calendar)
  }

  static func refuse(
    _ kase: inout Case, reason: RefusalReason, detail: String, by actor: String, now: Date
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

  /// A shortfall not supplied by its deadline: the case is refused, naming the materials still
  /// owed (Art. 36), by the platform.
  static func expireShortfall(_ kase: inout Case, now: Date) -> CaseStep {
    let missing = kase.materials.filter { $0.status == .promised }.map(\.name)
    refuse(
      &kase, reason: .shortfallNotSupplied,
      detail: "容缺材料未在承诺期限内补齐：" + missing.joined(separator: "、"), by: "system", now: now)
    return CaseStep(.refused, note: kase.refusal.detail)
  }

  /// One notice with everything to correct (一次性告知).
  static func requestCorrection(
    _ kase: inout Case, items: [CaseMaterial], duringReview: Bool, by actor: String, now: Date
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
}

/// A broken shortfall commitment on the applicant's record (Zhengzhou, local): no shortfall
/// acceptance before `until`.
struct ShortfallBan: Sendable {
  var until: CivilDate
  var caseNumber: String
}

/// What the clerk decides beside the materials, as AcceptCase and a window's SubmitCase both
/// carry it.
protocol AcceptanceTerms {
  var defects: [MaterialDefect] { get }
  var shortfallCommitment: String { get }
  var shortfallWorkingDays: Int32 { get }
  var refusalReason: RefusalReason { get }
  var refusalDetail: String { get }
}

extension AcceptCaseRequest: AcceptanceTerms {}
extension AcceptanceDecision: AcceptanceTerms {}

extension Acceptance.Request {
  init(_ terms: some AcceptanceTerms) throws {
    self.init(
      defects: try Self.defects(terms.defects), shortfallCommitment: terms.shortfallCommitment,
      shortfallWorkingDays: terms.shortfallWorkingDays, refusalReason: terms.refusalReason,
      refusalDetail: terms.refusalDetail)
  }

  /// The defects by material id; a material listed twice is refused.
  static func defects(_ defects: [MaterialDefect]) throws(ServiceError) -> [String: String] {
    var reasons: [String: String] = [:]
    for (index, defect) in defects.enumerated() {
      guard reasons.updateValue(defect.reason, forKey: defect.materialID) == nil else {
        throw .invalidArgument(
          field: "defects[\(index)].material_id", message: "\(defect.materialID) is listed twice")
      }
    }
    return reasons
  }
}
