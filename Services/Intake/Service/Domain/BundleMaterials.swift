import Foundation
import HallAuth
import HallContracts
import HallServer
import SwiftProtobuf

/// One-thing applications [一件事] (INT-8): one form and one material set for a bundle,
/// fanned out into one sub-case per member item, which the departments handle in parallel;
/// the application's status is derived from its sub-cases, never stored apart from them.
/// Here: between a bundle's merged material list and its members' own materials, and the
/// application's combined status.
enum BundleMaterials {
  /// A new application for `bundle`, with no sub-case yet.
  static func application(
    id: String, bundle: BundleVersion, _ request: SubmitBundleApplicationRequest,
    by principal: Principal, now: Date
  ) -> BundleApplication {
    .with {
      $0.id = id
      $0.bundleCode = bundle.bundleCode
      $0.bundleVersion = bundle.version
      $0.bundleName = bundle.spec.name
      $0.applicant = request.applicant
      if let agent = request.mandate { $0.agent = agent }
      $0.channel = request.channel
      $0.hallID = principal.role == .clerk ? (principal.hallID ?? "") : ""
      $0.receiveTime = .init(date: now)
    }
  }

  /// A member's received case: the merged materials brought that it asks for, and its own
  /// fields of the merged form.
  static func memberCase(
    _ member: ItemVersion, caseNumber: String, of application: BundleApplication,
    bundle: BundleVersion, _ request: SubmitBundleApplicationRequest, by principal: Principal,
    now: Date
  ) -> Case {
    let fields = Set(member.spec.formFields.map(\.key))
    return Receipt.newCase(
      version: member, caseNumber: caseNumber, request: request,
      provided: memberIDs(of: Set(request.providedMaterialIds), in: bundle, member: member),
      form: request.form.filter { fields.contains($0.key) }, applicationID: application.id,
      by: principal, now: now)
  }

  /// A sub-case's acceptance decision from the application's: the defects of the merged
  /// materials it was brought, the shared shortfall commitment.
  static func decision(
    for kase: Case, member: ItemVersion, bundle: BundleVersion,
    _ request: AcceptBundleApplicationRequest, defects: [String: String]
  ) -> Acceptance.Request {
    var decision = Acceptance.Request(
      shortfallCommitment: request.shortfallCommitment,
      shortfallWorkingDays: request.shortfallWorkingDays)
    for (mergedID, reason) in defects {
      for id in memberIDs(of: [mergedID], in: bundle, member: member)
      where kase.materials.contains(where: { $0.materialID == id && $0.status == .provided }) {
        decision.defects[id] = reason
      }
    }
    return decision
  }

  /// The application as its sub-cases now stand.
  static func settle(_ application: inout BundleApplication, subCases: [SubCase]) {
    application.subCases = subCases
    application.status = status(of: subCases)
    application.dueTime = dueTime(of: subCases)
  }

  /// The member's material ids covered by the merged ids brought: the merged list joins
  /// materials that are the same certificate or have the same name (as the catalog merges).
  static func memberIDs(
    of merged: Set<String>, in bundle: BundleVersion, member: ItemVersion
  ) -> Set<String> {
    var ids = Set<String>()
    for entry in bundle.materials
    where merged.contains(entry.material.id) && entry.itemCodes.contains(member.itemCode) {
      for material in member.spec.materials where isSame(material, entry.material) {
        ids.insert(material.id)
      }
    }
    return ids
  }

  static func isSame(_ a: Material, _ b: Material) -> Bool {
    if !a.certificateID.isEmpty || !b.certificateID.isEmpty {
      return a.certificateID == b.certificateID
    }
    return a.name == b.name
  }

  static func subCase(_ kase: Case) -> SubCase {
    .with {
      $0.caseNumber = kase.caseNumber
      $0.itemCode = kase.itemCode
      $0.departmentID = kase.departmentID
      $0.state = kase.state
      if kase.hasDeadline { $0.dueTime = kase.deadline.dueTime }
    }
  }

  static func status(of subCases: [SubCase]) -> ApplicationStatus {
    let states = subCases.map(\.state)
    if states.allSatisfy({ $0 == .delivered }) { return .completed }
    if states.allSatisfy(\.isFinal) { return .finishedWithExceptions }
    if states.contains(.correctionRequested) { return .correctionRequested }
    if states.allSatisfy({ $0 == .received }) { return .received }
    return .inProgress
  }

  static func dueTime(of subCases: [SubCase]) -> Google_Protobuf_Timestamp {
    subCases.filter(\.hasDueTime).map(\.dueTime).max { $0.date < $1.date } ?? .init()
  }
}
