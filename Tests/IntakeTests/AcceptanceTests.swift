import Foundation
import GRPCCore
import HallCalendar
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import Logging
import SwiftProtobuf
import Testing

@testable import IntakeService

/// INT-3: the acceptance decision — accepted, shortfall, one-time correction notice, refusal.
@Suite("Acceptance decisions")
struct AcceptanceTests {
  @Test("one notice lists every missing and defective material; the corrected case is accepted")
  func correctionNotice() async throws {
    try await IntakeFixture.with { hall in
      // m1 brought but illegible; m3 missing; m4 is optional and never required.
      var kase = try await hall.submit(provided: ["m1"])
      kase = try await hall.accept(kase, defects: ["m1": "申请书未签字"])
      #expect(kase.state == .correctionRequested && kase.category == .supplement)
      #expect(kase.correctionNotices.count == 1)
      let notice = kase.correctionNotices[0]
      #expect(notice.noticeNumber == "\(kase.caseNumber)-BZ1" && !notice.duringReview)
      #expect(notice.items.map(\.materialID) == ["m1", "m3"])
      #expect(notice.items.map(\.problem) == [.defective, .missing])
      #expect(notice.items[0].detail == "申请书未签字")
      #expect(!kase.hasDeadline, "the clock starts only at acceptance")

      // Bringing only part of it is refused with what is still lacking.
      await expectRefusal(.invalidArgument, field: "material_ids", containing: "m3") {
        _ = try await hall.intake.submitCorrection(
          .with {
            $0.requestID = "partial"
            $0.caseNumber = kase.caseNumber
            $0.materialIds = ["m1"]
          }, metadata: People.zhang)
      }
      kase = try await hall.intake.submitCorrection(
        .with {
          $0.requestID = "full"
          $0.caseNumber = kase.caseNumber
          $0.materialIds = ["m1", "m3"]
        }, metadata: People.zhang)
      #expect(kase.state == .received && kase.correctionNotices[0].hasCorrectedTime)
      kase = try await hall.accept(kase)
      // Accepted at last, it is still counted a supplement case [补办件] (INT-4, #14).
      #expect(kase.state == .accepted && kase.category == .supplement)
    }
  }

  @Test("shortfall: accepted on a commitment, supplied, then approved")
  func shortfallSupplied() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.submit(provided: ["m1"])
      kase = try await hall.accept(kase, commitment: "本人承诺 5 个工作日内补交健康证明")
      #expect(kase.state == .accepted && kase.hasShortfall)
      #expect(kase.shortfall.materialIds == ["m3"])
      let calendar = WorkingCalendar.stateCouncil
      #expect(
        kase.shortfall.supplementDeadline.date
          == min(
            try calendar.dueTime(after: 5, from: kase.acceptTime.date), kase.deadline.dueTime.date))
      #expect(kase.materials.first { $0.materialID == "m3" }?.status == .promised)
      kase = try await hall.startReview(kase)
      // Art. 36: the materials come before the decision.
      await expectRefusal(.failedPrecondition, containing: "not supplied") {
        _ = try await hall.decide(kase)
      }
      kase = try await hall.intake.supplyShortfall(
        .with {
          $0.requestID = "supply"
          $0.caseNumber = kase.caseNumber
          $0.materialIds = ["m3"]
        }, metadata: People.zhang)
      #expect(kase.shortfall.hasSuppliedTime)
      kase = try await hall.decide(kase)
      #expect(kase.state == .approved)
    }
  }

  @Test("shortfall not supplied by its deadline: refused with the reason, the applicant barred")
  func shortfallExpired() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.accept(
        try await hall.submit(provided: ["m1"]), commitment: "承诺补交")
      let deadline = kase.shortfall.supplementDeadline.date
      let refused = try await hall.intakeService.database.withClient { client in
        let settings = ServiceSettings(
          deployment: TestKeys.deployment, listenPort: 0, tokenPublicKey: "",
          database: hall.intakeService.database, clock: hall.clock.wallClock)
        let sweeper = ShortfallExpiry(
          ServiceContext(
            name: "intake", client: client, settings: settings, logger: .init(label: "test")),
          rules: IntakeRules())
        let before = try await sweeper.sweep(now: deadline.addingTimeInterval(-1))
        let after = try await sweeper.sweep(now: deadline.addingTimeInterval(1))
        return (before, after)
      }
      #expect(refused.0 == 0 && refused.1 == 1)
      kase = try await hall.get(kase.caseNumber)
      #expect(kase.state == .refused && kase.refusal.reason == .shortfallNotSupplied)
      #expect(kase.refusal.detail.contains("从业人员健康证明") && kase.refusal.refusedBy == "system")
      #expect(kase.timeline.last?.actor == "system")
      // A year without shortfall acceptance (Zhengzhou 2018).
      let next = try await hall.submit(provided: ["m1"])
      await expectRefusal(.failedPrecondition, containing: kase.caseNumber) {
        _ = try await hall.accept(next, commitment: "再次承诺")
      }
      #expect(try await hall.get(next.caseNumber).state == .received)
    }
  }

  @Test("shortfall only for missing, eligible materials of a promised item")
  func shortfallLimits() async throws {
    try await IntakeFixture.with { hall in
      let missingKey = try await hall.submit(provided: ["m3"])
      await expectRefusal(.failedPrecondition, containing: "m1") {
        _ = try await hall.accept(missingKey, commitment: "承诺补交")
      }
      let defective = try await hall.submit(provided: ["m1"])
      await expectRefusal(.failedPrecondition, containing: "defective") {
        _ = try await hall.accept(defective, defects: ["m1": "缺页"], commitment: "承诺补交")
      }
      #expect(try await hall.get(missingKey.caseNumber).state == .received)
      #expect(try await hall.get(defective.caseNumber).state == .received)
    }
  }

  @Test("refusals: a clerk's reason, unknown and cancelled items, bad defects")
  func refusals() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.submit()
      await expectRefusal(.invalidArgument, field: "refusal_detail") {
        _ = try await hall.intake.acceptCase(
          .with {
            $0.requestID = "no-detail"
            $0.caseNumber = kase.caseNumber
            $0.refusalReason = .outsideJurisdiction
          }, metadata: People.clerk)
      }
      await expectRefusal(.invalidArgument, field: "refusal_reason") {
        _ = try await hall.intake.acceptCase(
          .with {
            $0.requestID = "system-reason"
            $0.caseNumber = kase.caseNumber
            $0.refusalReason = .shortfallNotSupplied
            $0.refusalDetail = "x"
          }, metadata: People.clerk)
      }
      await expectRefusal(.invalidArgument, field: "defects", containing: "m4") {
        _ = try await hall.accept(kase, defects: ["m4": "不清晰"])
      }
      kase = try await hall.intake.acceptCase(
        .with {
          $0.requestID = "refuse"
          $0.caseNumber = kase.caseNumber
          $0.refusalReason = .outsideJurisdiction
          $0.refusalDetail = "经营场所不在本区"
        }, metadata: People.clerk)
      #expect(kase.state == .refused && kase.category == .returned && kase.hasFinishTime)

      await expectRefusal(.notFound, containing: "NO-SUCH") {
        _ = try await hall.submit(item: "NO-SUCH")
      }
      // A case received before its item is cancelled is refused at acceptance.
      let early = try await hall.submit()
      _ = try await hall.catalog.cancelItem(
        .with {
          $0.requestID = "cancel"
          $0.code = IntakeFixture.promisedItem
          $0.reasonNote = "事项取消"
          $0.effectiveDate = Days.proto(hall.clock.today)
        })
      try await hall.waitForReplica(items: 4, bundles: 1)
      let refused = try await hall.accept(early)
      #expect(refused.state == .refused && refused.refusal.reason == .itemCancelled)
      await expectRefusal(.failedPrecondition, containing: "cancelled") {
        _ = try await hall.submit()
      }

      // An item published to take effect later is refused, with the day it starts.
      let starts = CivilDate(dayNumber: hall.clock.today.dayNumber + 30)
      var later = IntakeFixture.promisedSpec()
      later.name = "小餐饮经营许可（下月施行）"
      try await hall.publish("HL-SCJG-LATER", later, from: starts)
      try await hall.waitForReplica(items: 5, bundles: 1)
      let casesBefore = try await hall.count("cases")
      await expectRefusal(.failedPrecondition, containing: "not in force before \(starts)") {
        _ = try await hall.submit(item: "HL-SCJG-LATER")
      }
      #expect(try await hall.count("cases") == casesBefore)
    }
  }

  @Test("applicant identifiers are checked before anything is stored (INT-1)")
  func identifiers() async throws {
    try await IntakeFixture.with { hall in
      var applicant = IntakeFixture.zhang
      applicant.idNumber = "410102199003071231"
      await expectRefusal(.invalidArgument, field: "applicant.id_number", containing: "check") {
        _ = try await hall.submit(applicant: applicant)
      }
      applicant.idNumber = "410102199013071230"
      await expectRefusal(.invalidArgument, field: "applicant.id_number", containing: "birth") {
        _ = try await hall.submit(applicant: applicant)
      }
      let company = Hall_Intake_V1_Applicant.with {
        $0.kind = .legalPerson
        $0.idNumber = "91410100317421623N"
        $0.name = "郑州好味餐饮有限公司"
        $0.contactName = "王五"
      }
      await expectRefusal(.invalidArgument, field: "applicant.id_number", containing: "GB 32100") {
        _ = try await hall.submit(applicant: company)
      }
      #expect(try await hall.count("cases") == 0)
      var valid = company
      valid.idNumber = People.companyID
      let kase = try await hall.submit(applicant: valid)
      // Listings mask identifiers (SEC-2); the case itself keeps them.
      let listed = try await hall.intake.listCases(.init(), metadata: People.clerk)
      #expect(listed.cases.map(\.applicant.idNumber) == ["9141**********623M"])
      #expect(listed.cases[0].timeline.isEmpty)
      #expect(try await hall.get(kase.caseNumber).applicant.idNumber == People.companyID)
    }
  }

  @Test("unit: GB 11643 and GB 32100 check characters")
  func checkCharacters() {
    #expect(ApplicantIdentity.residentIDProblem("11010519491231002X") == nil)
    #expect(ApplicantIdentity.residentIDProblem("110105194912310021") != nil)
    #expect(ApplicantIdentity.residentIDProblem("11010519491231002x") != nil)
    #expect(ApplicantIdentity.residentIDProblem("1101051949123100") != nil)
    #expect(ApplicantIdentity.creditCodeProblem("91350100M000100Y43") == nil)
    #expect(ApplicantIdentity.creditCodeProblem("91350100M000100Y44") != nil)
    #expect(ApplicantIdentity.creditCodeProblem("91350100M000100I43") != nil)
    #expect(Masking.identifier("11010519491231002X") == "1101**********002X")
  }
}
