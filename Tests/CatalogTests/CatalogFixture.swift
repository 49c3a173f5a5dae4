import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import HallTestSupport
import SwiftProtobuf
import Testing

@testable import CatalogService

typealias Catalog = Hall_Catalog_V1_CatalogService.Client<HTTP2ClientTransport.Posix>

/// A catalog service on its own database, with clients for the roles the tests need.
struct CatalogFixture {
  let admin: Catalog
  let anonymous: Catalog
  let port: Int
  var metricsPort = 0

  /// Runs `body` against a fresh catalog holding two departments, one certificate and one
  /// intermediary service.
  static func with(_ body: (CatalogFixture) async throws -> Void) async throws {
    try await TestService.with(CatalogService.Catalog.definition) { service in
      try await ServiceClient.with(
        host: "127.0.0.1", port: service.port, token: TestKeys.token(.catalogAdmin)
      ) { adminClient in
        try await ServiceClient.with(host: "127.0.0.1", port: service.port, token: nil) {
          anonymousClient in
          let fixture = CatalogFixture(
            admin: Catalog(wrapping: adminClient), anonymous: Catalog(wrapping: anonymousClient),
            port: service.port, metricsPort: service.metricsPort)
          try await fixture.seedReferences()
          try await body(fixture)
        }
      }
    }
  }

  func seedReferences() async throws {
    for (id, name) in [("scjg", "区市场监管局"), ("wjw", "区卫生健康委")] {
      _ = try await admin.createDepartment(
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
    _ = try await admin.createCertificate(
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
    _ = try await admin.createIntermediaryService(
      .with {
        $0.requestID = "int-eia"
        $0.intermediaryService = .with {
          $0.id = "eia"
          $0.name = "建设项目环境影响评价"
          $0.legalBasis = "《中华人民共和国环境影响评价法》"
          $0.departmentID = "wjw"
        }
      })
  }

  /// Creates and publishes an item, returning its first version.
  @discardableResult
  func publish(
    _ code: String, _ spec: Hall_Catalog_V1_ItemSpec, effective: CivilDate? = nil
  ) async throws -> Hall_Catalog_V1_ItemVersion {
    _ = try await admin.createItem(
      .with {
        $0.requestID = "create-\(code)"
        $0.code = code
        $0.spec = spec
      })
    return try await admin.publishItem(
      .with {
        $0.requestID = "publish-\(code)"
        $0.code = code
        $0.reason = .new
        $0.reasonNote = "新增"
        if let effective { $0.effectiveDate = Days.proto(effective) }
      })
  }
}

/// A valid guide: every test starts from it and breaks one thing.
func validSpec(
  name: String = "食品经营许可核发", department: String = "scjg", promised: Int32 = 5
) -> Hall_Catalog_V1_ItemSpec {
  .with {
    $0.name = name
    $0.departmentID = department
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
        $0.limitWorkingDays = promised
      },
    ]
    $0.statutoryLimitWorkingDays = 20
    $0.promisedLimitWorkingDays = promised
    $0.caseKind = promised == 0 ? .onTheSpot : .promised
    $0.channels = [.window, .pc, .mobile]
    $0.maxVisits = 1
    $0.onlineDepth = 4
    $0.placement = .inHall
    $0.materials = [
      .with {
        $0.id = "m1"
        $0.name = "食品经营许可申请书"
        $0.required = true
        $0.form = .original
        $0.originalCount = 1
        $0.medium = .paper
        $0.source = .applicant
      },
      .with {
        $0.id = "m2"
        $0.name = "营业执照"
        $0.required = true
        $0.form = .copy
        $0.copyCount = 1
        $0.medium = .electronic
        $0.source = .electronicLicence
      },
      .with {
        $0.id = "m3"
        $0.name = "从业人员健康证明"
        $0.required = true
        $0.form = .copy
        $0.copyCount = 1
        $0.medium = .paper
        $0.source = .applicant
        $0.certificateID = "cert-health"
        $0.shortfallEligible = true
      },
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
