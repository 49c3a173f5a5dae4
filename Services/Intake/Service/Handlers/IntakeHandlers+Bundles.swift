import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer

/// One-thing applications [一件事] (INT-8): one form and one material set for a bundle,
/// fanned out into one sub-case per member item (``BundleMaterials``).
extension IntakeHandlers {
  func submitBundleApplication(request: SubmitBundleApplicationRequest, context: ServerContext)
    async throws -> BundleApplication
  {
    let principal = try Caller.required()
    let now = service.clock.now
    try Text.require(request.bundleCode, field: "bundle_code", max: 40)
    try ApplicationInput.validate(request, principal: principal, now: now)
    return try await service.change(request.requestID, context) { db in
      let replica = CatalogReplica(db: db)
      let bundle = try await replica.bundle(request.bundleCode, on: Days.today(now: now))
      try ApplicationInput.validate(
        materialIDs: request.providedMaterialIds, known: Set(bundle.materials.map(\.material.id)),
        field: "provided_material_ids")
      try ApplicationInput.validate(form: request.form, fields: bundle.formFields)
      let members = try await members(of: bundle, replica: replica, now: now)
      let sequence = try await ApplicationStore(db: db).nextSequence()
      var application = BundleMaterials.application(
        id: Receipt.applicationID(
          prefix: service.identity.idPrefix, bundleCode: bundle.bundleCode, at: now,
          sequence: sequence),
        bundle: bundle, request, by: principal, now: now)
      application.subCases = try await receive(
        members, of: application, bundle: bundle, request, by: principal, db: db, now: now)
      application.status = BundleMaterials.status(of: application.subCases)
      return Change(
        application, statement: try ApplicationStore.inserting(application),
        events: [application.event(.received, at: now)])
    }
  }

  /// The bundle's members, each under the version the bundle was published with: its merged
  /// material list and form, which the applicant filled in, were made from those. A member
  /// no longer in force (cancelled, say) stops the application with the reason.
  private func members(of bundle: BundleVersion, replica: CatalogReplica, now: Date)
    async throws -> [ItemVersion]
  {
    var members: [ItemVersion] = []
    for code in bundle.spec.memberItemCodes {
      let current = try await replica.item(code, on: Days.today(now: now)).version(of: code)
      members.append(bundle.members.first { $0.itemCode == code } ?? current)
    }
    return members
  }

  /// Receives one sub-case per member and stores each with its event; the application has
  /// one visit and one ticket, on its first sub-case.
  private func receive(
    _ members: [ItemVersion], of application: BundleApplication, bundle: BundleVersion,
    _ request: SubmitBundleApplicationRequest, by principal: Principal, db: Database, now: Date
  ) async throws -> [SubCase] {
    var subCases: [SubCase] = []
    var ticketID = request.ticketID
    for member in members {
      var kase = BundleMaterials.memberCase(
        member,
        caseNumber: Receipt.caseNumber(
          prefix: service.identity.idPrefix, itemCode: member.itemCode, at: now,
          sequence: try await CaseStore(db: db).nextCaseSequence()),
        of: application, bundle: bundle, request, by: principal, now: now)
      if members.first?.itemCode != member.itemCode { kase.visits = [] }
      try await serveTicket(ticketID, for: &kase, by: principal, db: db, now: now)
      ticketID = ""
      let event = kase.trace(.received, note: "一件事 \(application.id)", now: now)
      try await CaseStore(db: db).save(kase, isNew: true, events: [event])
      subCases.append(BundleMaterials.subCase(kase))
    }
    return subCases
  }

  func acceptBundleApplication(request: AcceptBundleApplicationRequest, context: ServerContext)
    async throws -> BundleApplication
  {
    let defects = try Acceptance.Request.defects(request.defects)
    return try await service.change(request.requestID, context) { db in
      var application = try await ApplicationStore(db: db).get(request.applicationID)
      let bundle = try await CatalogReplica(db: db).bundle(
        application.bundleCode, version: application.bundleVersion)
      let known = Set(bundle.materials.map(\.material.id))
      for id in defects.keys.sorted() where !known.contains(id) {
        throw ServiceError.invalidArgument(
          field: "defects", message: "\(id) is not a material of the bundle's merged list")
      }
      let (subCases, decided) = try await acceptSubCases(
        of: application, bundle: bundle, request, defects: defects, db: db)
      guard decided > 0 else {
        throw ServiceError.failedPrecondition(
          "no sub-case of application \(application.id) waits for an acceptance decision")
      }
      BundleMaterials.settle(&application, subCases: subCases)
      return Change(application)
    }
  }

  /// Decides acceptance of each sub-case still received, storing each with its events;
  /// returns the sub-cases as they now stand and how many were decided.
  private func acceptSubCases(
    of application: BundleApplication, bundle: BundleVersion,
    _ request: AcceptBundleApplicationRequest, defects: [String: String], db: Database
  ) async throws -> (subCases: [SubCase], decided: Int) {
    let cases = CaseStore(db: db)
    var subCases: [SubCase] = []
    var decided = 0
    for sub in application.subCases {
      var (kase, calendarRevision) = try await cases.lockReadingCalendar(sub.caseNumber)
      let principal = try CaseAccess.requireClerk(kase)
      if kase.state == .received {
        let member = try await CatalogReplica(db: db).item(
          kase.itemCode, version: kase.itemVersion)
        let decision = BundleMaterials.decision(
          for: kase, member: member, bundle: bundle, request, defects: defects)
        let events = try await accept(
          &kase, decision, calendarRevision: calendarRevision, by: principal, db: db)
        try await cases.save(kase, isNew: false, events: events)
        decided += 1
      }
      subCases.append(BundleMaterials.subCase(kase))
    }
    return (subCases, decided)
  }

  func getBundleApplication(request: GetBundleApplicationRequest, context: ServerContext)
    async throws -> BundleApplication
  {
    let principal = try Caller.required()
    var (application, cases) = try await service.read { db in
      let application = try await ApplicationStore(db: db).get(request.applicationID)
      return (application, try await CaseStore(db: db).cases(ofApplication: application.id))
    }
    guard cases.contains(where: { CaseAccess.mayRead($0, by: principal) }) else {
      throw ServiceError.permissionDenied("application \(application.id) is not yours to see")
    }
    BundleMaterials.settle(&application, subCases: cases.map(BundleMaterials.subCase))
    if principal.role != .applicant {
      application.applicant.idNumber = Masking.identifier(application.applicant.idNumber)
    }
    return application
  }
}
