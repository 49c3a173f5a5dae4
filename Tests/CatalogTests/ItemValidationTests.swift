import HallCalendar
import Foundation
import SwiftProtobuf
import GRPCCore
import HallContracts
import HallTestSupport
import Testing

@testable import CatalogService

/// CAT-2 to CAT-6: each rule refuses with INVALID_ARGUMENT naming the field, and nothing is
/// written.
@Suite("Item validation (CAT-2..CAT-6)")
struct ItemValidationTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var field: String
    var mutate: @Sendable (inout Hall_Catalog_V1_ItemSpec) -> Void
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(name: "promised equal to statutory", field: "spec.promised_limit_working_days") {
      $0.promisedLimitWorkingDays = 20
    },
    Case(name: "promised above statutory", field: "spec.promised_limit_working_days") {
      $0.promisedLimitWorkingDays = 25
    },
    Case(name: "on-the-spot with nonzero promised", field: "spec.promised_limit_working_days") {
      $0.caseKind = .onTheSpot
    },
    Case(name: "promised item with zero days", field: "spec.promised_limit_working_days") {
      $0.promisedLimitWorkingDays = 0
      $0.steps = []
    },
    Case(name: "no case kind", field: "spec.case_kind") { $0.caseKind = .unspecified },
    Case(name: "fee without legal basis", field: "spec.fee.legal_basis") {
      $0.fee = .with {
        $0.charged = true
        $0.name = "工本费"
        $0.standard = "每证 10 元"
        $0.amountFen = 1000
      }
    },
    Case(name: "fee without standard", field: "spec.fee.standard") {
      $0.fee = .with {
        $0.charged = true
        $0.name = "工本费"
        $0.legalBasis = "《某收费标准》"
      }
    },
    Case(name: "amount without a charged fee", field: "spec.fee.charged") {
      $0.fee = .with { $0.amountFen = 500 }
    },
    Case(name: "no channel", field: "spec.channels") { $0.channels = [] },
    Case(name: "duplicate channel", field: "spec.channels[1]") { $0.channels = [.pc, .pc] },
    Case(name: "online depth 0", field: "spec.online_depth") { $0.onlineDepth = 0 },
    Case(name: "online depth 5", field: "spec.online_depth") { $0.onlineDepth = 5 },
    Case(name: "no visit without an online channel", field: "spec.max_visits") {
      $0.maxVisits = 0
      $0.channels = [.window]
    },
    Case(name: "not in hall without reason", field: "spec.placement_reason") {
      $0.placement = .notInHall
    },
    Case(name: "no placement", field: "spec.placement") { $0.placement = .unspecified },
    Case(name: "certificate not on the list", field: "spec.materials[2].certificate_id") {
      $0.materials[2].certificateID = "cert-unknown"
    },
    Case(name: "certificate named but not pointed at", field: "spec.materials[2].certificate_id") {
      $0.materials[2].certificateID = ""
    },
    Case(name: "intermediary not on the list", field: "spec.intermediary_service_ids[0]") {
      $0.intermediaryServiceIds = ["unlisted"]
    },
    Case(name: "vague material name", field: "spec.materials[0].name") {
      $0.materials[0].name = "其他材料"
    },
    Case(name: "catch-all condition", field: "spec.conditions[0]") {
      $0.conditions = ["法律、法规规定的其他条件"]
    },
    Case(name: "vague material description", field: "spec.materials[1].description") {
      $0.materials[1].description_p = "以及有关部门要求的其他材料"
    },
    Case(name: "unknown department", field: "spec.department_id") { $0.departmentID = "nope" },
    Case(name: "no kind", field: "spec.kind") { $0.kind = .unspecified },
    Case(name: "no level", field: "spec.levels") { $0.levels = [] },
    Case(name: "no legal basis", field: "spec.legal_basis") { $0.legalBasis = " " },
    Case(name: "statutory limit 0", field: "spec.statutory_limit_working_days") {
      $0.statutoryLimitWorkingDays = 0
    },
    Case(name: "duplicate material id", field: "spec.materials[1].id") {
      $0.materials[1].id = "m1"
    },
    Case(name: "copy with original count", field: "spec.materials[1].copy_count") {
      $0.materials[1].originalCount = 1
    },
    Case(name: "shortfall on a fetched material", field: "spec.materials[1].shortfall_eligible") {
      $0.materials[1].shortfallEligible = true
    },
    Case(name: "duplicate form field", field: "spec.form_fields[1].key") {
      $0.formFields.append($0.formFields[0])
    },
    Case(name: "step longer than the statutory limit", field: "spec.steps[1].limit_working_days") {
      $0.steps[1].limitWorkingDays = 30
    },
  ]

  @Test("refused with the field named and nothing written", arguments: cases)
  func refused(_ testCase: Case) async throws {
    try await CatalogFixture.with { catalog in
      var spec = validSpec()
      testCase.mutate(&spec)
      await expectRefusal(.invalidArgument, field: testCase.field) {
        _ = try await catalog.admin.createItem(
          .with {
            $0.requestID = "r1"
            $0.code = "ITEM-1"
            $0.spec = spec
          })
      }
      await expectRefusal(.notFound) {
        _ = try await catalog.admin.getItem(.with { $0.code = "ITEM-1" })
      }
      // The request id was not consumed: the corrected call goes through with it.
      _ = try await catalog.admin.createItem(
        .with {
          $0.requestID = "r1"
          $0.code = "ITEM-1"
          $0.spec = validSpec()
        })
    }
  }

  @Test("the valid spec is accepted as is")
  func validSpecIsAccepted() async throws {
    try await CatalogFixture.with { catalog in
      let version = try await catalog.publish("ITEM-OK", validSpec())
      #expect(version.version == 1)
      #expect(version.caseKind == .promised)
    }
  }

  @Test("every refused phrase is caught, spaces or not (CAT-6)")
  func vagueWordingList() {
    for phrase in VagueWording.refusedPhrases {
      #expect(VagueWording.refusedPhrase(in: "提交\(phrase)") != nil, "\(phrase)")
      let spaced = phrase.map(String.init).joined(separator: " ")
      #expect(VagueWording.refusedPhrase(in: spaced) != nil, "\(spaced)")
    }
    for precise in ["营业执照", "法定代表人身份证明", "经营场所平面图", "食品安全管理制度文本"] {
      #expect(VagueWording.refusedPhrase(in: precise) == nil, "\(precise)")
    }
  }

  @Test("bad codes are refused")
  func badCodes() async throws {
    try await CatalogFixture.with { catalog in
      for code in ["", "x", "带中文", "has space", String(repeating: "a", count: 41)] {
        await expectRefusal(.invalidArgument, field: "code") {
          _ = try await catalog.admin.createItem(
            .with {
              $0.requestID = "code-\(code.count)-\(code.hashValue)"
              $0.code = code
              $0.spec = validSpec()
            })
        }
      }
      // A long code is quoted briefly, with its length.
      await expectRefusal(.invalidArgument, field: "code", containing: "(2000 characters)") {
        _ = try await catalog.admin.createItem(
          .with {
            $0.requestID = "code-long"
            $0.code = String(repeating: "A", count: 2000)
            $0.spec = validSpec()
          })
      }
    }
  }
}
