import Foundation
import GRPCCore
import HallCalendar
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import IntakeService

/// INT-8 one-thing applications, and the catalog replica: intake works while the catalog is
/// down, and a calendar change re-derives open cases' due times.
@Suite("One-thing applications and the catalog replica")
struct ReplicaAndBundleTests {
  @Test("a one-thing application fans out per department and completes")
  func bundleApplication() async throws {
    try await IntakeFixture.with { hall in
      let bundle = try await hall.catalog.getBundle(.with { $0.code = IntakeFixture.bundle })
      let merged = bundle.latestVersion.materials
      // The health certificate is asked for by both members and appears once.
      let certificate = try #require(merged.first { $0.material.certificateID == "cert-health" })
      #expect(certificate.itemCodes.count == 2)
      let brought =
        merged.filter { $0.material.source == .applicant && $0.material.required }
        .map(\.material.id)
      var application = try await hall.intake.submitBundleApplication(
        .with {
          $0.requestID = "one-thing"
          $0.bundleCode = IntakeFixture.bundle
          $0.channel = .window
          $0.windowID = "W05"
          $0.applicant = IntakeFixture.zhang
          $0.providedMaterialIds = brought
          $0.form = ["enterprise_name": "郑州好味餐饮有限公司"]
          $0.delivery = .with { $0.method = .windowPickup }
        }, metadata: People.clerk)
      #expect(application.status == .received)
      #expect(Set(application.subCases.map(\.departmentID)) == ["scjg", "wjw"])
      application = try await hall.intake.acceptBundleApplication(
        .with {
          $0.requestID = "accept-one-thing"
          $0.applicationID = application.id
        }, metadata: People.clerk)
      #expect(application.status == .inProgress)
      #expect(application.subCases.allSatisfy { $0.state == .accepted })
      // The longer member limit (10 days) sets the application's due time.
      #expect(application.dueTime == application.subCases.map(\.dueTime).max { $0.date < $1.date })

      // Each department works in parallel with its own approver.
      for sub in application.subCases {
        let approver = sub.departmentID == "scjg" ? People.approver : People.healthApprover
        var kase = try await hall.get(sub.caseNumber)
        kase = try await hall.startReview(kase, as: approver)
        kase = try await hall.decide(kase, as: approver)
        kase = try await hall.issue(kase, as: approver)
        _ = try await hall.deliver(kase)
      }
      let done = try await hall.intake.getBundleApplication(
        .with { $0.applicationID = application.id }, metadata: People.zhang)
      #expect(done.status == .completed)
      #expect(done.subCases.allSatisfy { $0.state == .delivered })
    }
  }

  @Test("a one-thing application is handled under the member versions of its bundle")
  func frozenMembers() async throws {
    try await IntakeFixture.with { hall in
      // A member is adjusted after the bundle was published: the bundle's merged list and
      // form were made from version 1, so its sub-case is handled under version 1.
      var adjusted = IntakeFixture.healthSpec()
      adjusted.name += "（调整）"
      _ = try await hall.catalog.updateItemDraft(
        .with {
          $0.code = IntakeFixture.healthItem
          $0.spec = adjusted
        })
      _ = try await hall.catalog.publishItem(
        .with {
          $0.requestID = "adjust-health"
          $0.code = IntakeFixture.healthItem
          $0.reason = .adjust
          $0.reasonNote = "调整"
        })
      // Version 2 is in intake's replica, in force from today.
      try await hall.waitForReplica(items: 4, bundles: 1)
      let bundle = try await hall.catalog.getBundle(.with { $0.code = IntakeFixture.bundle })
      let application = try await hall.intake.submitBundleApplication(
        .with {
          $0.requestID = "one-thing-frozen"
          $0.bundleCode = IntakeFixture.bundle
          $0.channel = .window
          $0.windowID = "W05"
          $0.applicant = IntakeFixture.zhang
          $0.providedMaterialIds = bundle.latestVersion.materials
            .filter { $0.material.source == .applicant && $0.material.required }
            .map(\.material.id)
          $0.form = ["enterprise_name": "郑州好味餐饮有限公司"]
          $0.delivery = .with { $0.method = .windowPickup }
        }, metadata: People.clerk)
      for sub in application.subCases {
        #expect(try await hall.get(sub.caseNumber).itemVersion == 1, "\(sub.caseNumber)")
      }
    }
  }

  @Test("intake accepts cases while the catalog is down")
  func catalogDown() async throws {
    try await IntakeFixture.with { hall in
      try await hall.catalogService.stop()
      let kase = try await hall.accept(try await hall.submit())
      #expect(kase.state == .accepted && kase.itemVersion == 1)
    }
  }

  /// FED-2: a district that says it does not handle an item of its city's standard takes
  /// no application for it, and refuses at acceptance a case received before; saying it
  /// handles it again opens it again.
  @Test("an item of the city's standard that the district does not handle is not applied for")
  func notHandledHere() async throws {
    try await IntakeFixture.with { hall in
      let early = try await hall.submit()
      // The fixture's catalog holds the item as the city's, as a district's catalog does.
      try await hall.catalogService.database.withClient { client in
        _ = try await client.query(
          "UPDATE items SET owner = 'puyang-city' WHERE code = \(IntakeFixture.promisedItem)")
      }
      func handled(_ implemented: Bool) async throws {
        _ = try await hall.catalog.setItemLocalDetails(
          .with {
            $0.details.itemCode = IntakeFixture.promisedItem
            $0.details.implemented = implemented
          })
      }
      try await handled(false)
      // Applications taken before intake's replica heard it are the hall's: the check is the
      // one after.
      try await eventually(seconds: 10) {
        do {
          _ = try await hall.submit()
          return false
        } catch let error as RPCError {
          return error.code == .failedPrecondition && error.message.contains("not handled")
        }
      }
      let casesBefore = try await hall.count("cases")
      await expectRefusal(.failedPrecondition, containing: "not handled") {
        _ = try await hall.submit()
      }
      #expect(try await hall.count("cases") == casesBefore)
      let refused = try await hall.accept(early)
      #expect(refused.state == .refused && refused.refusal.reason == .outsideJurisdiction)
      #expect(refused.refusal.detail.contains("未实施"))

      try await handled(true)
      let accepted = try await eventually(seconds: 10) {
        try? await hall.accept(try await hall.submit())
      }
      #expect(accepted.state == .accepted)
    }
  }

  @Test("a calendar change re-derives open cases' due times and announces them")
  func calendarChange() async throws {
    try await IntakeFixture.with { hall in
      let kase = try await hall.accept(try await hall.submit())
      let calendar = WorkingCalendar.stateCouncil
      // Make the first ordinary working day after acceptance a day off.
      var day = Days.today(now: kase.acceptTime.date).adding(days: 1)
      while !calendar.isWorkingDay(day) || day.isWeekend { day = day.adding(days: 1) }
      let year = calendar.years.first { $0.year == day.year }
      var message =
        year.map { CalendarConversions.proto($0) }
        ?? .with {
          $0.year = Int32(day.year)
          $0.notice = "测试"
        }
      message.holidays.append(
        .with {
          $0.name = "地方调休"
          $0.firstDay = Days.proto(day)
          $0.lastDay = Days.proto(day)
        })
      message.notice = "测试：增加一天地方调休"
      _ = try await hall.catalog.putCalendarYear(
        .with {
          $0.requestID = "calendar"
          $0.calendarYear = message
        })
      try await eventually(seconds: 30) {
        try await hall.get(kase.caseNumber).timeline.last?.action == "due_time_changed"
      }
      let moved = try await hall.get(kase.caseNumber)
      let changed = try WorkingCalendar(
        years: calendar.years.filter { $0.year != day.year }
          + [try CalendarConversions.library(message)])
      #expect(
        moved.deadline.dueTime.date == (try changed.dueTime(after: 5, from: kase.acceptTime.date)))
      #expect(moved.deadline.dueTime.date > kase.deadline.dueTime.date)
      #expect(try await hall.events(of: kase.caseNumber).last == "intake.case.due_time_changed")
    }
  }
}
