import HallCalendar
import Foundation
import SwiftProtobuf
import GRPCCore
import HallContracts
import HallTestSupport
import Testing

@testable import CatalogService

/// CAT-8: one-thing bundles merge their members' materials and forms and take the slowest
/// member's limit.
@Suite("One-thing bundles (CAT-8)")
struct BundleTests {
  static func hygieneSpec() -> Hall_Catalog_V1_ItemSpec {
    var spec = validSpec(name: "公共场所卫生许可", department: "wjw", promised: 8)
    spec.materials = [
      .with {
        $0.id = "m1"
        $0.name = "营业执照"
        $0.required = true
        $0.form = .original
        $0.originalCount = 1
        $0.medium = .paper
        $0.source = .applicant
      },
      .with {
        $0.id = "m2"
        $0.name = "从业人员健康证明"
        $0.required = false
        $0.form = .copy
        $0.copyCount = 2
        $0.medium = .paper
        $0.source = .applicant
        $0.certificateID = "cert-health"
        $0.shortfallEligible = false
      },
      .with {
        $0.id = "m3"
        $0.name = "卫生检测报告"
        $0.required = true
        $0.form = .original
        $0.originalCount = 1
        $0.medium = .paper
        $0.source = .applicant
      },
    ]
    spec.formFields = [
      .with {
        $0.key = "enterprise_name"
        $0.label = "企业名称"
        $0.required = false
      },
      .with {
        $0.key = "floor_area"
        $0.label = "营业面积"
        $0.required = true
      },
    ]
    return spec
  }

  @Test("merged materials, merged form and combined limit are computed")
  func merge() async throws {
    try await CatalogFixture.with { catalog in
      try await catalog.publish("FOOD-1", validSpec())
      try await catalog.publish("HYG-1", Self.hygieneSpec())
      _ = try await catalog.admin.createBundle(
        .with {
          $0.requestID = "b1"
          $0.code = "YJS-01"
          $0.spec = .with {
            $0.name = "开办餐馆、饭店"
            $0.leadDepartmentID = "scjg"
            $0.memberItemCodes = ["FOOD-1", "HYG-1"]
            $0.description_p = "一次申请，同步办理"
          }
        })
      let version = try await catalog.admin.publishBundle(
        .with {
          $0.requestID = "pb1"
          $0.code = "YJS-01"
          $0.reason = .new
          $0.reasonNote = "新增"
        })
      #expect(version.promisedLimitWorkingDays == 8)
      #expect(version.statutoryLimitWorkingDays == 20)
      #expect(version.departmentIds == ["scjg", "wjw"])
      #expect(version.members.map(\.itemCode) == ["FOOD-1", "HYG-1"])
      // 营业执照 appears in both (fetched for one, brought for the other): once, brought.
      let names = version.materials.map(\.material.name)
      #expect(names == ["食品经营许可申请书", "营业执照", "从业人员健康证明", "卫生检测报告"])
      let licence = version.materials[1]
      #expect(licence.itemCodes == ["FOOD-1", "HYG-1"] && licence.material.source == .applicant)
      // The health certificate: required by one member, shortfall allowed only by one.
      let health = version.materials[2].material
      #expect(health.required && !health.shortfallEligible && health.copyCount == 2)
      #expect(version.formFields.map(\.key) == ["enterprise_name", "floor_area"])
      #expect(version.formFields[0].required)

      // The public search finds the bundle by a substring of its name (CAT-9).
      let found = try await catalog.anonymous.searchGuides(.with { $0.keyword = "餐馆" })
      #expect(found.guides.map(\.bundle.bundleCode) == ["YJS-01"])
      #expect(found.guides.first?.departmentName == "区市场监管局")
      let byDepartment = try await catalog.anonymous.searchGuides(.with { $0.departmentID = "wjw" })
      #expect(byDepartment.guides.count == 2)
      #expect(byDepartment.guides[0].bundle.bundleCode == "YJS-01")
      #expect(byDepartment.guides[1].version.itemCode == "HYG-1")
      let paged = try await catalog.anonymous.searchGuides(
        .with {
          $0.departmentID = "wjw"
          $0.pageSize = 1
        })
      #expect(paged.guides.count == 1 && !paged.nextPageToken.isEmpty)
      let second = try await catalog.anonymous.searchGuides(
        .with {
          $0.departmentID = "wjw"
          $0.pageSize = 1
          $0.pageToken = paged.nextPageToken
        })
      #expect(second.guides.map(\.version.itemCode) == ["HYG-1"] && second.nextPageToken.isEmpty)
      let listed = try await catalog.anonymous.listBundles(.with { $0.keyword = "餐馆" })
      #expect(listed.bundles.map(\.bundleCode) == ["YJS-01"])
      let read = try await catalog.anonymous.getBundleVersion(.with { $0.code = "YJS-01" })
      #expect(read == version)
    }
  }

  @Test("members must exist, be published and be at least two")
  func memberRules() async throws {
    try await CatalogFixture.with { catalog in
      try await catalog.publish("FOOD-1", validSpec())
      _ = try await catalog.admin.createItem(
        .with {
          $0.requestID = "draft-only"
          $0.code = "HYG-1"
          $0.spec = Self.hygieneSpec()
        })
      func bundle(_ members: [String], lead: String = "scjg") -> Hall_Catalog_V1_BundleSpec {
        .with {
          $0.name = "开办诊所"
          $0.leadDepartmentID = lead
          $0.memberItemCodes = members
          $0.description_p = "一次办"
        }
      }
      await expectRefusal(.invalidArgument, field: "spec.member_item_codes") {
        _ = try await catalog.admin.createBundle(
          .with {
            $0.requestID = "x1"
            $0.code = "YJS-X"
            $0.spec = bundle(["FOOD-1"])
          })
      }
      await expectRefusal(.invalidArgument, field: "spec.member_item_codes[1]") {
        _ = try await catalog.admin.createBundle(
          .with {
            $0.requestID = "x2"
            $0.code = "YJS-X"
            $0.spec = bundle(["FOOD-1", "NOPE"])
          })
      }
      await expectRefusal(.invalidArgument, field: "spec.lead_department_id") {
        _ = try await catalog.admin.createBundle(
          .with {
            $0.requestID = "x3"
            $0.code = "YJS-X"
            $0.spec = bundle(["FOOD-1", "HYG-1"], lead: "nope")
          })
      }
      _ = try await catalog.admin.createBundle(
        .with {
          $0.requestID = "x4"
          $0.code = "YJS-X"
          $0.spec = bundle(["FOOD-1", "HYG-1"])
        })
      await expectRefusal(.failedPrecondition, containing: "HYG-1") {
        _ = try await catalog.admin.publishBundle(
          .with {
            $0.requestID = "px4"
            $0.code = "YJS-X"
            $0.reason = .new
            $0.reasonNote = "新增"
          })
      }
      await expectRefusal(.notFound) {
        _ = try await catalog.anonymous.getBundleVersion(.with { $0.code = "YJS-X" })
      }
    }
  }

  @Test("a cancelled bundle leaves the list")
  func cancel() async throws {
    try await CatalogFixture.with { catalog in
      try await catalog.publish("FOOD-1", validSpec())
      try await catalog.publish("HYG-1", Self.hygieneSpec())
      _ = try await catalog.admin.createBundle(
        .with {
          $0.requestID = "b1"
          $0.code = "YJS-01"
          $0.spec = .with {
            $0.name = "开办茶馆"
            $0.leadDepartmentID = "wjw"
            $0.memberItemCodes = ["FOOD-1", "HYG-1"]
            $0.description_p = "一次办"
          }
        })
      _ = try await catalog.admin.publishBundle(
        .with {
          $0.requestID = "pb1"
          $0.code = "YJS-01"
          $0.reason = .new
          $0.reasonNote = "新增"
        })
      let cancelled = try await catalog.admin.cancelBundle(
        .with {
          $0.requestID = "cb1"
          $0.code = "YJS-01"
          $0.reasonNote = "整合"
        })
      #expect(cancelled.cancels && cancelled.version == 2)
      let listed = try await catalog.anonymous.listBundles(.init())
      #expect(listed.bundles.isEmpty)
    }
  }
}
