import CatalogService
public import Foundation
public import GRPCCore
public import GRPCNIOTransportHTTP2
public import HallAuth
public import HallCalendar
public import HallContracts
import HallServer
public import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

import IntakeService

public typealias IntakeClient = Hall_Intake_V1_IntakeService.Client<HTTP2ClientTransport.Posix>
public typealias CatalogClient = Hall_Catalog_V1_CatalogService.Client<HTTP2ClientTransport.Posix>

/// People of the hall, each with their own token: the calls carry it as metadata, so one
/// connection serves them all.
public enum People {
  public static let clerk = TestKeys.signer.token(.clerk, "clerk-01", hall: "hl-hall")
  public static let otherHallClerk = TestKeys.signer.token(.clerk, "clerk-99", hall: "other-hall")
  public static let approver = TestKeys.signer.token(.approver, "approver-scjg", department: "scjg")
  public static let healthApprover = TestKeys.signer.token(
    .approver, "approver-wjw", department: "wjw")
  public static let supervisor = TestKeys.signer.token(.supervisor, "supervisor-1")
  /// 张三, a citizen with a valid resident ID number.
  public static let zhangID = "410102199003071230"
  public static let zhang = TestKeys.signer.token(.applicant, zhangID)
  /// 李四, another citizen.
  public static let liID = "410902198511204561"
  public static let li = TestKeys.signer.token(.applicant, liID)
  /// A company (unified social credit code).
  public static let companyID = "91410100317421623M"
}

extension TokenSigner {
  public func token(
    _ role: Role, _ subject: String, department: String? = nil, hall: String? = nil
  ) -> Metadata {
    let token = try! mint(
      Principal(
        subject: subject, role: role, departmentID: department, regionCode: "410902",
        hallID: hall))
    return ["authorization": "Bearer \(token)"]
  }
}

/// A catalog and an intake service, each on its own database, intake fed by the catalog's
/// feed, with a small published catalog: a promised item with a shortfall-eligible
/// certificate and a fee, an on-the-spot item, and a bundle of two departments' items.
public struct IntakeFixture: Sendable {
  public let intake: IntakeClient
  public let catalog: CatalogClient
  public let catalogService: TestService
  public let intakeService: TestService
  /// The hall's clock, read by every service of the fixture; it moves when a test moves it.
  public let clock: TestClock

  public static let promisedItem = "HL-SCJG-001"
  public static let spotItem = "HL-SCJG-002"
  public static let healthItem = "HL-WJW-001"
  public static let bundle = "KBCG"

  public static func with(
    options: [String: String] = [:], _ body: (IntakeFixture) async throws -> Void
  ) async throws {
    let clock = TestClock()
    let catalogService = try await TestService.start(Catalog.definition, clock: clock.wallClock)
    do {
      var options = options
      options["CATALOG_ADDR"] = "127.0.0.1:\(catalogService.port)"
      try await TestService.with(Intake.definition, options: options, clock: clock.wallClock) {
        intakeService in
        try await ServiceClient.with(host: "127.0.0.1", port: intakeService.port, token: nil) {
          intakeConnection in
          try await ServiceClient.with(
            host: "127.0.0.1", port: catalogService.port, token: TestKeys.token(.catalogAdmin)
          ) { catalogConnection in
            let fixture = IntakeFixture(
              intake: IntakeClient(wrapping: intakeConnection),
              catalog: CatalogClient(wrapping: catalogConnection),
              catalogService: catalogService, intakeService: intakeService, clock: clock)
            try await fixture.seedCatalog()
            try await body(fixture)
          }
        }
      }
      try? await catalogService.stop()
    } catch {
      try? await catalogService.stop()
      throw error
    }
  }

  public func seedCatalog() async throws {
    try await Self.seed(catalog)
    try await waitForReplica(items: 3, bundles: 1)
  }

  /// The fixture's catalog (two departments, a certificate, three items and a bundle) in
  /// `catalog`: the hall's own, or a city's whose intake takes the cases it passes up.
  public static func seed(_ catalog: CatalogClient) async throws {
    for (id, name) in [("scjg", "区市场监管局"), ("wjw", "区卫生健康委")] {
      _ = try await catalog.createDepartment(
        .with {
          $0.requestID = "dept-\(id)"
          $0.department = .with {
            $0.id = id
            $0.name = name
            $0.regionCode = "410902"
            $0.level = .county
          }
        })
    }
    _ = try await catalog.createCertificate(
      .with {
        $0.requestID = "cert-health"
        $0.certificate = .with {
          $0.id = "cert-health"
          $0.name = "健康证明"
          $0.legalBasis = "《中华人民共和国食品安全法》第四十五条"
          $0.requestingUnit = "区市场监管局"
          $0.issuingUnit = "医疗卫生机构"
        }
      })
    try await publish(promisedItem, promisedSpec(), on: catalog)
    try await publish(spotItem, spotSpec(), on: catalog)
    try await publish(healthItem, healthSpec(), on: catalog)
    _ = try await catalog.createBundle(
      .with {
        $0.requestID = "bundle"
        $0.code = bundle
        $0.spec = .with {
          $0.name = "开办餐馆、饭店"
          $0.leadDepartmentID = "scjg"
          $0.memberItemCodes = [promisedItem, healthItem]
          $0.description_p = "开餐馆一次办"
        }
      })
    _ = try await catalog.publishBundle(
      .with {
        $0.requestID = "bundle-publish"
        $0.code = bundle
        $0.reason = .new
        $0.reasonNote = "新增"
      })
  }

  /// Creates and publishes an item, in force from `day` (today when nil).
  public func publish(
    _ code: String, _ spec: Hall_Catalog_V1_ItemSpec, from day: CivilDate? = nil
  ) async throws {
    try await Self.publish(code, spec, from: day, on: catalog)
  }

  static func publish(
    _ code: String, _ spec: Hall_Catalog_V1_ItemSpec, from day: CivilDate? = nil,
    on catalog: CatalogClient
  ) async throws {
    _ = try await catalog.createItem(
      .with {
        $0.requestID = "create-\(code)"
        $0.code = code
        $0.spec = spec
      })
    _ = try await catalog.publishItem(
      .with {
        $0.requestID = "publish-\(code)"
        $0.code = code
        $0.reason = .new
        $0.reasonNote = "新增"
        if let day { $0.effectiveDate = Days.proto(day) }
      })
  }

  /// Waits until intake's replica holds this many item versions and bundle versions.
  public func waitForReplica(items: Int, bundles: Int) async throws {
    try await eventually(seconds: 30) {
      try await intakeService.database.withClient { client in
        let rows = try await client.query(
          """
          SELECT (SELECT count(*) FROM item_versions)::int8,
            (SELECT count(*) FROM bundle_versions)::int8
          """
        ).collect()
        let (itemCount, bundleCount) = try rows[0].decode((Int64, Int64).self)
        return itemCount >= items && bundleCount >= bundles
      }
    }
  }

  /// Rows of intake's own tables, for checks that a refusal wrote nothing.
  public func count(_ table: String) async throws -> Int64 {
    try await intakeService.database.withClient { client in
      try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \(table)"))
        .collect()[0].decode(Int64.self)
    }
  }

  /// Event types in intake's outbox for one case, oldest first.
  public func events(of aggregate: String) async throws -> [String] {
    try await intakeService.database.withClient { client in
      try await client.query(
        "SELECT event_type FROM outbox WHERE aggregate_id = \(aggregate) ORDER BY id"
      ).collect().map { try $0.decode(String.self) }
    }
  }

  // MARK: - Steps

  public func submit(
    item: String = Self.promisedItem, provided: [String] = ["m1", "m3"],
    as caller: Metadata = People.clerk, channel: Hall_Common_V1_Channel = .window,
    applicant: Hall_Intake_V1_Applicant = zhang,
    delivery: Hall_Intake_V1_DeliveryMethod = .windowPickup,
    ticket: String = "", request: String = UUID().uuidString,
    decision: Hall_Intake_V1_AcceptanceDecision? = nil
  ) async throws -> Hall_Intake_V1_Case {
    try await intake.submitCase(
      .with {
        $0.requestID = request
        $0.itemCode = item
        $0.channel = channel
        $0.applicant = applicant
        $0.providedMaterialIds = provided
        $0.form = item == Self.promisedItem ? ["enterprise_name": "郑州好味餐饮有限公司"] : [:]
        $0.delivery = .with {
          $0.method = delivery
          if delivery == .freePost { $0.address = "濮阳市华龙区人民路 1 号" }
        }
        if channel == .window { $0.windowID = "W03" }
        $0.ticketID = ticket
        if let decision { $0.decision = decision }
      }, metadata: caller)
  }

  public func accept(
    _ kase: Hall_Intake_V1_Case, defects: [String: String] = [:], commitment: String = "",
    as caller: Metadata = People.clerk
  ) async throws -> Hall_Intake_V1_Case {
    try await intake.acceptCase(
      .with {
        $0.requestID = UUID().uuidString
        $0.caseNumber = kase.caseNumber
        $0.defects = defects.sorted { $0.key < $1.key }.map { entry in
          .with {
            $0.materialID = entry.key
            $0.reason = entry.value
          }
        }
        $0.shortfallCommitment = commitment
      }, metadata: caller)
  }

  public func startReview(_ kase: Hall_Intake_V1_Case, as caller: Metadata = People.approver)
    async throws -> Hall_Intake_V1_Case
  {
    try await intake.startReview(
      .with {
        $0.requestID = UUID().uuidString
        $0.caseNumber = kase.caseNumber
      }, metadata: caller)
  }

  public func decide(
    _ kase: Hall_Intake_V1_Case, approve: Bool = true, reason: String = "",
    as caller: Metadata = People.approver
  ) async throws -> Hall_Intake_V1_Case {
    try await intake.decideCase(
      .with {
        $0.requestID = UUID().uuidString
        $0.caseNumber = kase.caseNumber
        $0.approve = approve
        $0.reason = reason
      }, metadata: caller)
  }

  public func issue(_ kase: Hall_Intake_V1_Case, as caller: Metadata = People.approver) async throws
    -> Hall_Intake_V1_Case
  {
    try await intake.issueLicence(
      .with {
        $0.requestID = UUID().uuidString
        $0.caseNumber = kase.caseNumber
        $0.licenceName = "食品经营许可证"
      }, metadata: caller)
  }

  public func deliver(
    _ kase: Hall_Intake_V1_Case, reference: String = "", as caller: Metadata = People.clerk
  ) async throws -> Hall_Intake_V1_Case {
    try await intake.deliverResult(
      .with {
        $0.requestID = UUID().uuidString
        $0.caseNumber = kase.caseNumber
        $0.reference = reference
      }, metadata: caller)
  }

  public func get(_ caseNumber: String, as caller: Metadata = People.supervisor) async throws
    -> Hall_Intake_V1_Case
  {
    try await intake.getCase(.with { $0.caseNumber = caseNumber }, metadata: caller)
  }

  public static let zhang = Hall_Intake_V1_Applicant.with {
    $0.kind = .citizen
    $0.idNumber = People.zhangID
    $0.name = "张三"
    $0.phone = "13800001111"
  }

  // MARK: - The catalog

  /// 食品经营许可: 5 working days promised, 20 statutory; m1 required, m2 reused from an
  /// electronic licence, m3 a certificate that may come later [容缺], m4 optional; a fee of
  /// 10 yuan; an on-site inspection that does not count inside the limit.
  public static func promisedSpec() -> Hall_Catalog_V1_ItemSpec {
    .with {
      $0.name = "食品经营许可核发"
      $0.departmentID = "scjg"
      $0.kind = .administrativeLicensing
      $0.levels = [.county]
      $0.legalBasis = "《中华人民共和国食品安全法》第三十五条"
      $0.conditions = ["具有与经营的食品品种、数量相适应的经营场所"]
      $0.steps = [
        .with {
          $0.name = "受理"
          $0.limitWorkingDays = 0
        },
        .with {
          $0.name = "审查决定"
          $0.limitWorkingDays = 5
        },
      ]
      $0.statutoryLimitWorkingDays = 20
      $0.promisedLimitWorkingDays = 5
      $0.caseKind = .promised
      $0.channels = [.window, .pc, .mobile]
      $0.maxVisits = 1
      $0.onlineDepth = 4
      $0.placement = .inHall
      $0.fee = .with {
        $0.charged = true
        $0.name = "工本费"
        $0.legalBasis = "豫发改收费〔2017〕1号"
        $0.standard = "每证 10 元"
        $0.amountFen = 1000
      }
      $0.specialProcedures = [
        .with {
          $0.kind = .other
          $0.name = "现场核查"
          $0.maxWorkingDays = 5
          $0.timeCounting = .outside
        },
        .with {
          $0.kind = .other
          $0.name = "专家评审"
          $0.maxWorkingDays = 5
          $0.timeCounting = .inside
        },
      ]
      $0.materials = [
        material("m1", "食品经营许可申请书", required: true),
        material("m2", "营业执照", required: true, source: .electronicLicence),
        material("m3", "从业人员健康证明", required: true, shortfall: true, certificate: "cert-health"),
        material("m4", "经营场所平面图", required: false),
      ]
      $0.formFields = [
        .with {
          $0.key = "enterprise_name"
          $0.label = "企业名称"
          $0.required = true
        }
      ]
    }
  }

  /// An on-the-spot item [即办件]: decided at acceptance.
  public static func spotSpec() -> Hall_Catalog_V1_ItemSpec {
    var spec = promisedSpec()
    spec.name = "食品经营许可证补办"
    spec.promisedLimitWorkingDays = 0
    spec.caseKind = .onTheSpot
    spec.steps = [
      .with {
        $0.name = "受理并办结"
        $0.limitWorkingDays = 0
      }
    ]
    spec.specialProcedures = []
    spec.fee = .init()
    spec.materials = [material("s1", "补办申请书", required: true)]
    spec.formFields = []
    return spec
  }

  /// The health department's member of the bundle: the same health certificate.
  public static func healthSpec() -> Hall_Catalog_V1_ItemSpec {
    var spec = promisedSpec()
    spec.name = "公共场所卫生许可"
    spec.departmentID = "wjw"
    spec.promisedLimitWorkingDays = 10
    spec.steps[1].limitWorkingDays = 10
    spec.fee = .init()
    spec.specialProcedures = []
    spec.materials = [
      material("h1", "卫生许可申请书", required: true),
      material("h2", "从业人员健康证明", required: true, certificate: "cert-health"),
    ]
    spec.formFields = [
      .with {
        $0.key = "enterprise_name"
        $0.label = "企业名称"
        $0.required = true
      }
    ]
    return spec
  }

  public static func material(
    _ id: String, _ name: String, required: Bool, shortfall: Bool = false,
    source: Hall_Catalog_V1_MaterialSource = .applicant, certificate: String = ""
  ) -> Hall_Catalog_V1_Material {
    .with {
      $0.id = id
      $0.name = name
      $0.required = required
      $0.form = .original
      $0.originalCount = 1
      $0.medium = .paper
      $0.source = source
      $0.shortfallEligible = shortfall
      $0.certificateID = certificate
    }
  }
}
