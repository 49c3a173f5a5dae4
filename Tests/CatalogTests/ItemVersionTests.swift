import Foundation
import SwiftProtobuf
import GRPCCore
import HallCalendar
import HallContracts
import HallServer
import HallTestSupport
import Testing

@testable import CatalogService

/// CAT-7: drafts, immutable versions with reasons and effective dates, readable history,
/// cancellation, and no comeback under another code or name.
@Suite("Item versions (CAT-7)")
struct ItemVersionTests {
  @Test("publish, adjust with a future date, read history and the guide in force")
  func history() async throws {
    try await CatalogFixture.with { catalog in
      let today = TestClock().today
      try await catalog.publish("FOOD-1", validSpec(promised: 5))
      var adjusted = validSpec(promised: 3)
      adjusted.faqs = [
        .with {
          $0.question = "多久办结？"
          $0.answer = "3 个工作日"
        }
      ]
      let item = try await catalog.admin.updateItemDraft(
        .with {
          $0.code = "FOOD-1"
          $0.spec = adjusted
        })
      #expect(item.hasDraft_p && item.state == .published && item.latestVersion.version == 1)
      let later = today.adding(days: 10)
      let v2 = try await catalog.admin.publishItem(
        .with {
          $0.requestID = "adjust-1"
          $0.code = "FOOD-1"
          $0.reason = .adjust
          $0.reasonNote = "压缩承诺时限"
          $0.effectiveDate = Days.proto(later)
        })
      #expect(v2.version == 2 && v2.reason == .adjust && v2.spec.promisedLimitWorkingDays == 3)

      let history = try await catalog.anonymous.listItemVersions(.with { $0.code = "FOOD-1" })
      #expect(history.versions.map(\.version) == [2, 1])
      #expect(history.versions[1].spec.promisedLimitWorkingDays == 5)

      let now = try await catalog.anonymous.getGuide(.with { $0.itemCode = "FOOD-1" })
      #expect(now.version.version == 1 && now.departmentName == "区市场监管局")
      let then = try await catalog.anonymous.getGuide(
        .with {
          $0.itemCode = "FOOD-1"
          $0.asOf = Days.proto(later)
        })
      #expect(then.version.version == 2)

      // A version may not take effect before the one already scheduled.
      _ = try await catalog.admin.updateItemDraft(
        .with {
          $0.code = "FOOD-1"
          $0.spec = validSpec(promised: 4)
        })
      await expectRefusal(.invalidArgument, field: "effective_date") {
        _ = try await catalog.admin.publishItem(
          .with {
            $0.requestID = "adjust-2"
            $0.code = "FOOD-1"
            $0.reason = .adjust
            $0.reasonNote = "再调整"
            $0.effectiveDate = Days.proto(today.adding(days: 5))
          })
      }
      await expectRefusal(.invalidArgument, field: "effective_date") {
        _ = try await catalog.admin.publishItem(
          .with {
            $0.requestID = "adjust-3"
            $0.code = "FOOD-1"
            $0.reason = .adjust
            $0.reasonNote = "追溯"
            $0.effectiveDate = Days.proto(today.adding(days: -1))
          })
      }
    }
  }

  @Test("a published version never changes when the draft does")
  func immutable() async throws {
    try await CatalogFixture.with { catalog in
      let v1 = try await catalog.publish("FOOD-1", validSpec(promised: 5))
      _ = try await catalog.admin.updateItemDraft(
        .with {
          $0.code = "FOOD-1"
          $0.spec = validSpec(promised: 2)
        })
      let read = try await catalog.anonymous.getItemVersion(
        .with {
          $0.code = "FOOD-1"
          $0.version = 1
        })
      #expect(read == v1)
    }
  }

  @Test("cancelling: unacceptable from its date, code and name never reused")
  func cancel() async throws {
    try await CatalogFixture.with { catalog in
      let today = TestClock().today
      try await catalog.publish("OLD-1", validSpec(name: "旧事项"))
      let cancelled = try await catalog.admin.cancelItem(
        .with {
          $0.requestID = "cancel-old"
          $0.code = "OLD-1"
          $0.reasonNote = "依据国务院决定取消"
          $0.effectiveDate = Days.proto(today.adding(days: 3))
        })
      #expect(cancelled.cancels && cancelled.reason == .cancel && cancelled.version == 2)
      // Still in force until the cancellation takes effect…
      _ = try await catalog.anonymous.getGuide(.with { $0.itemCode = "OLD-1" })
      // …and not from then on.
      await expectRefusal(.notFound, containing: "cancelled") {
        _ = try await catalog.anonymous.getGuide(
          .with {
            $0.itemCode = "OLD-1"
            $0.asOf = Days.proto(today.adding(days: 3))
          })
      }
      await expectRefusal(.failedPrecondition) {
        _ = try await catalog.admin.createItem(
          .with {
            $0.requestID = "reuse-code"
            $0.code = "OLD-1"
            $0.spec = validSpec(name: "新名字")
          })
      }
      await expectRefusal(.failedPrecondition, containing: "cancelled") {
        _ = try await catalog.admin.createItem(
          .with {
            $0.requestID = "reuse-name"
            $0.code = "NEW-1"
            $0.spec = validSpec(name: "旧事项")
          })
      }
      await expectRefusal(.failedPrecondition) {
        _ = try await catalog.admin.updateItemDraft(
          .with {
            $0.code = "OLD-1"
            $0.spec = validSpec(name: "旧事项")
          })
      }
      await expectRefusal(.failedPrecondition) {
        _ = try await catalog.admin.cancelItem(
          .with {
            $0.requestID = "cancel-again"
            $0.code = "OLD-1"
            $0.reasonNote = "再次取消"
          })
      }
    }
  }

  @Test("state rules: nothing to publish, never published, duplicate codes and names")
  func stateRules() async throws {
    try await CatalogFixture.with { catalog in
      try await catalog.publish("A-1", validSpec(name: "事项甲"))
      await expectRefusal(.failedPrecondition, containing: "no draft") {
        _ = try await catalog.admin.publishItem(
          .with {
            $0.requestID = "p-again"
            $0.code = "A-1"
            $0.reason = .adjust
            $0.reasonNote = "无草稿"
          })
      }
      _ = try await catalog.admin.createItem(
        .with {
          $0.requestID = "c-b"
          $0.code = "B-1"
          $0.spec = validSpec(name: "事项乙")
        })
      await expectRefusal(.failedPrecondition, containing: "never published") {
        _ = try await catalog.admin.cancelItem(
          .with {
            $0.requestID = "cancel-b"
            $0.code = "B-1"
            $0.reasonNote = "取消"
          })
      }
      await expectRefusal(.alreadyExists) {
        _ = try await catalog.admin.createItem(
          .with {
            $0.requestID = "dup-code"
            $0.code = "A-1"
            $0.spec = validSpec(name: "事项丙")
          })
      }
      await expectRefusal(.alreadyExists) {
        _ = try await catalog.admin.createItem(
          .with {
            $0.requestID = "dup-name"
            $0.code = "C-1"
            $0.spec = validSpec(name: "事项乙")
          })
      }
      await expectRefusal(.invalidArgument, field: "reason") {
        _ = try await catalog.admin.publishItem(
          .with {
            $0.requestID = "p-b"
            $0.code = "B-1"
            $0.reason = .adjust
            $0.reasonNote = "首次"
          })
      }
      await expectRefusal(.invalidArgument, field: "reason_note") {
        _ = try await catalog.admin.publishItem(
          .with {
            $0.requestID = "p-b2"
            $0.code = "B-1"
            $0.reason = .new
          })
      }
      await expectRefusal(.notFound) {
        _ = try await catalog.admin.publishItem(
          .with {
            $0.requestID = "p-none"
            $0.code = "NONE-1"
            $0.reason = .new
            $0.reasonNote = "无此事项"
          })
      }
    }
  }

  @Test("a retried call with the same request id creates nothing twice (REL-1)")
  func idempotent() async throws {
    try await CatalogFixture.with { catalog in
      try await catalog.publish("A-1", validSpec())
      let again = try await catalog.admin.publishItem(
        .with {
          $0.requestID = "publish-A-1"
          $0.code = "A-1"
          $0.reason = .new
          $0.reasonNote = "新增"
        })
      #expect(again.version == 1)
      let history = try await catalog.anonymous.listItemVersions(.with { $0.code = "A-1" })
      #expect(history.versions.count == 1)
      await expectRefusal(.invalidArgument, field: "request_id") {
        _ = try await catalog.admin.cancelItem(
          .with {
            $0.requestID = "publish-A-1"
            $0.code = "A-1"
            $0.reasonNote = "取消"
          })
      }
    }
  }
}
