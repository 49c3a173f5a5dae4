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

/// One-thing applications [一件事] (INT-8): one form and one material set for a bundle,
/// fanned out into one sub-case per member item, which the departments handle in parallel;
/// the application's status is derived from its sub-cases, never stored apart from them.
extension IntakeRPC {
  func submitBundleApplication(
    request: Hall_Intake_V1_SubmitBundleApplicationRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_BundleApplication {
    let principal = try CaseAccess.caller
    let now = clock.now
    try Text.require(request.bundleCode, field: "bundle_code", max: 40)
    try ApplicationInput.validate(
      requestID: request.requestID, channel: request.channel, applicant: request.applicant,
      agent: request.hasAgent ? request.agent : nil, delivery: request.delivery,
      windowID: request.windowID, principal: principal, now: now)
    return try await once(request.requestID, "SubmitBundleApplication") { connection in
      let bundle = try await CatalogReplica.bundle(
        request.bundleCode, on: Days.today(now: now), connection: connection, logger: logger)
      try ApplicationInput.validate(
        materialIDs: request.providedMaterialIds, known: Set(bundle.materials.map(\.material.id)),
        field: "provided_material_ids")
      try ApplicationInput.validate(form: request.form, fields: bundle.formFields)
      // Each member is handled under the version the bundle was published with: its merged
      // material list and form, which the applicant filled in, were made from those. A member
      // no longer in force (cancelled, say) stops the application with the reason.
      var members: [Hall_Catalog_V1_ItemVersion] = []
      for code in bundle.spec.memberItemCodes {
        let current = try await itemInForce(code, now: now, on: connection)
        members.append(bundle.members.first { $0.itemCode == code } ?? current)
      }
      let sequence = try await connection.query(
        "SELECT nextval('application_number_sequence')", logger: logger
      ).collect()[0].decode(Int64.self)
      var application = Hall_Intake_V1_BundleApplication.with {
        $0.id =
          "\(bundle.bundleCode)-\(CaseStore.compactDay(now))-\(String(format: "%06lld", sequence))"
        $0.bundleCode = bundle.bundleCode
        $0.bundleVersion = bundle.version
        $0.bundleName = bundle.spec.name
        $0.applicant = request.applicant
        if request.hasAgent { $0.agent = request.agent }
        $0.channel = request.channel
        $0.hallID = principal.role == .clerk ? (principal.hallID ?? "") : ""
        $0.receiveTime = .init(date: now)
      }
      let brought = Set(request.providedMaterialIds)
      var ticketID = request.ticketID
      for member in members {
        let fields = Set(member.spec.formFields.map(\.key))
        var kase = newCase(
          version: member,
          caseNumber: try await CaseStore.newCaseNumber(
            itemCode: member.itemCode, at: now, on: connection, logger: logger),
          channel: request.channel, applicant: request.applicant,
          agent: request.hasAgent ? request.agent : nil,
          provided: BundleMaterials.memberIDs(of: brought, in: bundle, member: member),
          form: request.form.filter { fields.contains($0.key) }, delivery: request.delivery,
          windowID: request.windowID, applicationID: application.id, by: principal, now: now)
        // One visit and one ticket for the whole application.
        if members.first?.itemCode != member.itemCode { kase.visits = [] }
        try await serveTicket(ticketID, for: &kase, by: principal, on: connection)
        ticketID = ""
        try await CaseStore.record(
          &kase, action: "received", note: "一件事 \(application.id)", isNew: true,
          on: connection, logger: logger, now: now)
        application.subCases.append(BundleMaterials.subCase(kase))
      }
      application.status = BundleMaterials.status(of: application.subCases)
      try await connection.query(
        """
        INSERT INTO applications (id, applicant_id, agent_id, hall_id, body)
        VALUES (\(application.id), \(request.applicant.idNumber),
          \(request.agent.agentIDNumber), \(application.hallID), \(try application.bytea()))
        """, logger: logger)
      try await Outbox.append(
        type: "intake.application.received", aggregateID: application.id, payload: application,
        at: now, on: connection, logger: logger)
      return application
    }
  }

  func acceptBundleApplication(
    request: Hall_Intake_V1_AcceptBundleApplicationRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_BundleApplication {
    var defects: [String: String] = [:]
    for (index, defect) in request.defects.enumerated() {
      guard defects.updateValue(defect.reason, forKey: defect.materialID) == nil else {
        throw ServiceError.invalidArgument(
          field: "defects[\(index)].material_id", message: "\(defect.materialID) is listed twice")
      }
    }
    return try await once(request.requestID, "AcceptBundleApplication") { connection in
      var application = try await loadApplication(request.applicationID, on: connection)
      let bundle = try await bundleVersion(of: application, on: connection)
      let known = Set(bundle.materials.map(\.material.id))
      for id in defects.keys.sorted() where !known.contains(id) {
        throw ServiceError.invalidArgument(
          field: "defects", message: "\(id) is not a material of the bundle's merged list")
      }
      var subCases: [Hall_Intake_V1_SubCase] = []
      var decided = 0
      for sub in application.subCases {
        var (kase, calendarRevision) = try await CaseStore.lockReadingCalendar(
          sub.caseNumber, on: connection, logger: logger)
        let principal = try CaseAccess.requireClerk(kase)
        if kase.state == .received {
          let version = try await CatalogReplica.version(
            kase.itemCode, kase.itemVersion, connection: connection, logger: logger)
          var decision = Acceptance.Request(
            shortfallCommitment: request.shortfallCommitment,
            shortfallWorkingDays: request.shortfallWorkingDays)
          for (mergedID, reason) in defects {
            for id in BundleMaterials.memberIDs(of: [mergedID], in: bundle, member: version)
            where kase.materials.contains(where: { $0.materialID == id && $0.status == .provided })
            {
              decision.defects[id] = reason
            }
          }
          let events = try await accept(
            &kase, decision, calendarRevision: calendarRevision, by: principal, on: connection)
          try await CaseStore.save(
            kase, isNew: false, events: events, on: connection, logger: logger)
          decided += 1
        }
        subCases.append(BundleMaterials.subCase(kase))
      }
      guard decided > 0 else {
        throw ServiceError.failedPrecondition(
          "no sub-case of application \(application.id) waits for an acceptance decision")
      }
      application.subCases = subCases
      application.status = BundleMaterials.status(of: subCases)
      application.dueTime = BundleMaterials.dueTime(of: subCases)
      return application
    }
  }

  func getBundleApplication(
    request: Hall_Intake_V1_GetBundleApplicationRequest, context: ServerContext
  ) async throws -> Hall_Intake_V1_BundleApplication {
    let principal = try CaseAccess.caller
    var application = try await db.withConnection { connection in
      try await loadApplication(request.applicationID, on: connection)
    }
    let rows = try await db.query(
      """
      SELECT body FROM cases WHERE application_id = \(application.id) ORDER BY case_number
      """, logger: logger
    ).collect()
    let cases = try rows.map { try Hall_Intake_V1_Case(bytea: try $0.decode(ByteBuffer.self)) }
    guard cases.contains(where: { CaseAccess.mayRead($0, by: principal) }) else {
      throw ServiceError.permissionDenied("application \(application.id) is not yours to see")
    }
    application.subCases = cases.map(BundleMaterials.subCase)
    application.status = BundleMaterials.status(of: application.subCases)
    application.dueTime = BundleMaterials.dueTime(of: application.subCases)
    if principal.role != .applicant {
      application.applicant.idNumber = Masking.identifier(application.applicant.idNumber)
    }
    return application
  }

  func loadApplication(_ id: String, on connection: PostgresConnection) async throws
    -> Hall_Intake_V1_BundleApplication
  {
    guard !id.isEmpty else {
      throw ServiceError.invalidArgument(field: "application_id", message: "is required")
    }
    let rows = try await connection.query(
      "SELECT body FROM applications WHERE id = \(id)", logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("application \(id) does not exist")
    }
    return try Hall_Intake_V1_BundleApplication(bytea: try row.decode(ByteBuffer.self))
  }

  func bundleVersion(
    of application: Hall_Intake_V1_BundleApplication, on connection: PostgresConnection
  ) async throws -> Hall_Catalog_V1_BundleVersion {
    let rows = try await connection.query(
      """
      SELECT body FROM bundle_versions
      WHERE bundle_code = \(application.bundleCode) AND version = \(Int(application.bundleVersion))
      """, logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.failedPrecondition(
        "bundle \(application.bundleCode) version \(application.bundleVersion) is not replicated")
    }
    return try Hall_Catalog_V1_BundleVersion(bytea: try row.decode(ByteBuffer.self))
  }
}

/// Between a bundle's merged material list and its members' own materials, and the
/// application's combined status.
enum BundleMaterials {
  /// The member's material ids covered by the merged ids brought: the merged list joins
  /// materials that are the same certificate or have the same name (as the catalog merges).
  static func memberIDs(
    of merged: Set<String>, in bundle: Hall_Catalog_V1_BundleVersion,
    member: Hall_Catalog_V1_ItemVersion
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

  static func isSame(_ a: Hall_Catalog_V1_Material, _ b: Hall_Catalog_V1_Material) -> Bool {
    if !a.certificateID.isEmpty || !b.certificateID.isEmpty {
      return a.certificateID == b.certificateID
    }
    return a.name == b.name
  }

  static func subCase(_ kase: Hall_Intake_V1_Case) -> Hall_Intake_V1_SubCase {
    .with {
      $0.caseNumber = kase.caseNumber
      $0.itemCode = kase.itemCode
      $0.departmentID = kase.departmentID
      $0.state = kase.state
      if kase.hasDeadline { $0.dueTime = kase.deadline.dueTime }
    }
  }

  static func status(of subCases: [Hall_Intake_V1_SubCase]) -> Hall_Intake_V1_ApplicationStatus {
    let states = subCases.map(\.state)
    if states.allSatisfy({ $0 == .delivered }) { return .completed }
    if states.allSatisfy(CaseStore.isFinished) { return .finishedWithExceptions }
    if states.contains(.correctionRequested) { return .correctionRequested }
    if states.allSatisfy({ $0 == .received }) { return .received }
    return .inProgress
  }

  static func dueTime(of subCases: [Hall_Intake_V1_SubCase])
    -> SwiftProtobuf.Google_Protobuf_Timestamp
  {
    subCases.filter(\.hasDueTime).map(\.dueTime).max { $0.date < $1.date } ?? .init()
  }
}
