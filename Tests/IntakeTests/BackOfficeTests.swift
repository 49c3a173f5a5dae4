import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import SwiftProtobuf
import Testing

@testable import IntakeService

/// INT-5, INT-6: the back office, and the deadline kept as a budget plus a ledger.
@Suite("Back office and deadlines")
struct BackOfficeTests {
  @Test("a correction during review pauses the clock; the due time moves by the paused time")
  func correctionPause() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.startReview(try await hall.accept(try await hall.submit()))
      let dueBefore = kase.deadline.dueTime.date
      kase = try await hall.intake.requestCorrection(
        .with {
          $0.requestID = "rc"
          $0.caseNumber = kase.caseNumber
          $0.defects = [
            .with {
              $0.materialID = "m3"
              $0.reason = "健康证明已过期"
            }
          ]
        }, metadata: People.approver)
      #expect(kase.state == .correctionRequested && kase.deadline.paused)
      #expect(kase.correctionNotices.last?.duringReview == true)
      #expect(kase.deadline.ledger.map(\.kind) == [.correctionPause])
      try await Task.sleep(for: .milliseconds(1100))
      kase = try await hall.intake.submitCorrection(
        .with {
          $0.requestID = "sc"
          $0.caseNumber = kase.caseNumber
          $0.materialIds = ["m3"]
        }, metadata: People.zhang)
      #expect(kase.state == .inReview && !kase.deadline.paused)
      let pause = kase.deadline.ledger[0]
      let calendar = WorkingCalendar.stateCouncil
      let paused = calendar.workingSeconds(from: pause.startTime.date, to: pause.endTime.date)
      #expect(pause.pausedWorkingSeconds == paused)
      #expect(
        kase.deadline.dueTime.date
          == (try calendar.instant(addingWorkingSeconds: paused, to: dueBefore)))
    }
  }

  @Test("the restart policy counts the limit afresh once the materials are complete")
  func correctionRestart() async throws {
    try await IntakeFixture.with(options: ["CORRECTION_CLOCK": "restart"]) { hall in
      var kase = try await hall.startReview(try await hall.accept(try await hall.submit()))
      kase = try await hall.intake.requestCorrection(
        .with {
          $0.requestID = "rc"
          $0.caseNumber = kase.caseNumber
          $0.defects = [
            .with {
              $0.materialID = "m1"
              $0.reason = "缺少签章"
            }
          ]
        }, metadata: People.approver)
      kase = try await hall.intake.submitCorrection(
        .with {
          $0.requestID = "sc"
          $0.caseNumber = kase.caseNumber
          $0.materialIds = ["m1"]
        }, metadata: People.clerk)
      let restart = try #require(kase.deadline.ledger.last)
      #expect(restart.kind == .restart)
      #expect(kase.deadline.startTime == restart.startTime)
      #expect(
        kase.deadline.dueTime.date
          == (try WorkingCalendar.stateCouncil.dueTime(after: 5, from: restart.startTime.date)))
      // The clerk took the correction at the window: a visit.
      #expect(kase.visits.map(\.purpose) == ["提交申请", "补正材料"])
    }
  }

  @Test("special procedures: outside the limit pauses the clock, inside it does not")
  func specialProcedures() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.startReview(try await hall.accept(try await hall.submit()))
      await expectRefusal(.invalidArgument, field: "name", containing: "现场核查") {
        _ = try await hall.intake.startSpecialProcedure(
          .with {
            $0.requestID = "bad"
            $0.caseNumber = kase.caseNumber
            $0.name = "听证"
            $0.reason = "需要听证"
          }, metadata: People.approver)
      }
      for (name, paused) in [("现场核查", true), ("专家评审", false)] {
        kase = try await hall.intake.startSpecialProcedure(
          .with {
            $0.requestID = "start-\(name)"
            $0.caseNumber = kase.caseNumber
            $0.name = name
            $0.reason = "按规定需要\(name)"
          }, metadata: People.approver)
        #expect(kase.state == .specialProcedure && kase.deadline.paused == paused)
        await expectRefusal(.failedPrecondition, containing: "special procedure") {
          _ = try await hall.decide(kase)
        }
        kase = try await hall.intake.endSpecialProcedure(
          .with {
            $0.requestID = "end-\(name)"
            $0.caseNumber = kase.caseNumber
            $0.result = "符合要求"
          }, metadata: People.approver)
        #expect(kase.state == .inReview && !kase.deadline.paused)
      }
      #expect(
        kase.deadline.ledger.map(\.kind) == [.specialProcedurePause, .specialProcedure])
      #expect(kase.deadline.ledger.allSatisfy { $0.hasEndTime && $0.result == "符合要求" })
    }
  }

  @Test("extensions within the statutory limit plus 10 working days (行政许可法 §42)")
  func extensions() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.startReview(try await hall.accept(try await hall.submit()))
      func extend(_ days: Int32, _ id: String) async throws -> Hall_Intake_V1_Case {
        try await hall.intake.extendDeadline(
          .with {
            $0.requestID = id
            $0.caseNumber = kase.caseNumber
            $0.workingDays = days
            $0.reason = "经负责人批准延长"
          }, metadata: People.approver)
      }
      kase = try await extend(15, "e1")
      #expect(kase.deadline.extensionWorkingDays == 15)
      #expect(
        kase.deadline.dueTime.date
          == (try WorkingCalendar.stateCouncil.dueTime(after: 20, from: kase.acceptTime.date)))
      // 5 + 15 + 11 = 31 > 20 + 10.
      await expectRefusal(.failedPrecondition, containing: "at most 30") {
        _ = try await extend(11, "e2")
      }
      kase = try await extend(10, "e3")
      #expect(kase.deadline.extensionWorkingDays == 25)
    }
  }

  @Test("denial needs a reason; escalation passes the case upward [报批件]")
  func denialAndEscalation() async throws {
    try await IntakeFixture.with { hall in
      let denied = try await hall.startReview(try await hall.accept(try await hall.submit()))
      await expectRefusal(.invalidArgument, field: "reason") {
        _ = try await hall.decide(denied, approve: false)
      }
      let done = try await hall.decide(denied, approve: false, reason: "经营场所不符合卫生要求")
      #expect(done.state == .denied && done.hasFinishTime && !done.decision.approved)

      let upward = try await hall.accept(try await hall.submit())
      await expectRefusal(.invalidArgument, field: "to_level") {
        _ = try await hall.intake.escalateCase(
          .with {
            $0.requestID = "same-level"
            $0.caseNumber = upward.caseNumber
            $0.toLevel = .county
            $0.toAuthority = "区政府"
            $0.reason = "需上级审批"
          }, metadata: People.approver)
      }
      let escalated = try await hall.intake.escalateCase(
        .with {
          $0.requestID = "up"
          $0.caseNumber = upward.caseNumber
          $0.toLevel = .city
          $0.toAuthority = "市市场监管局"
          $0.reason = "跨区经营，需市级审批"
        }, metadata: People.approver)
      #expect(escalated.state == .escalated && escalated.category == .escalated)
    }
  }

  @Test("illegal transitions answer FAILED_PRECONDITION and change nothing")
  func illegalTransitions() async throws {
    try await IntakeFixture.with { hall in
      let received = try await hall.submit()
      await expectRefusal(.failedPrecondition, containing: "not yet accepted") {
        _ = try await hall.startReview(received)
      }
      let refused = try await hall.intake.acceptCase(
        .with {
          $0.requestID = "refuse"
          $0.caseNumber = received.caseNumber
          $0.refusalReason = .conditionsNotMet
          $0.refusalDetail = "不具备经营场所"
        }, metadata: People.clerk)
      await expectRefusal(.failedPrecondition, containing: "refused") {
        _ = try await hall.decide(refused)
      }
      let accepted = try await hall.accept(try await hall.submit())
      await expectRefusal(.failedPrecondition, containing: "cannot deliver") {
        _ = try await hall.deliver(accepted)
      }
      await expectRefusal(.failedPrecondition, containing: "cannot issue") {
        _ = try await hall.issue(accepted)
      }
      await expectRefusal(.failedPrecondition) {
        _ = try await hall.accept(accepted)
      }
      #expect(try await hall.get(accepted.caseNumber) == accepted)
      #expect(try await hall.get(refused.caseNumber) == refused)
      #expect(try await hall.events(of: accepted.caseNumber).count == 2)
    }
  }

  @Test("who may do what: departments, halls, applicants (SEC-1)")
  func access() async throws {
    try await IntakeFixture.with { hall in
      let kase = try await hall.accept(try await hall.submit())
      await expectRefusal(.permissionDenied, containing: "department") {
        _ = try await hall.startReview(kase, as: People.healthApprover)
      }
      await expectRefusal(.permissionDenied) {
        _ = try await hall.get(kase.caseNumber, as: People.li)
      }
      await expectRefusal(.permissionDenied) {
        _ = try await hall.get(kase.caseNumber, as: People.otherHallClerk)
      }
      await expectRefusal(.permissionDenied) {
        _ = try await hall.startReview(kase, as: People.clerk)
      }
      let otherHall = try await hall.intake.listCases(.init(), metadata: People.otherHallClerk)
      #expect(otherHall.cases.isEmpty)
      let ownDepartment = try await hall.intake.listCases(.init(), metadata: People.approver)
      #expect(ownDepartment.cases.map(\.caseNumber) == [kase.caseNumber])
      let health = try await hall.intake.listCases(.init(), metadata: People.healthApprover)
      #expect(health.cases.isEmpty)
      #expect(try await hall.intake.listCases(.init(), metadata: People.li).cases.isEmpty)
      #expect(
        try await hall.intake.listCases(.init(), metadata: People.zhang).cases.count == 1)

      // An online application by an agent needs the applicant's mandate (INT-10).
      let agent = TestKeys.signer.token(.applicant, "410902197506157890")
      await expectRefusal(.permissionDenied, containing: "mandate") {
        _ = try await hall.submit(as: agent, channel: .mobile)
      }
      let byAgent = try await hall.intake.submitCase(
        .with {
          $0.requestID = "agent"
          $0.itemCode = IntakeFixture.promisedItem
          $0.channel = .mobile
          $0.applicant = IntakeFixture.zhang
          $0.agent = .with {
            $0.agentIDNumber = "410902197506157890"
            $0.agentName = "代办员赵六"
            $0.mandateNumber = "WT-2026-0088"
            $0.scope = "代为申请食品经营许可"
            $0.validUntil = Days.proto(hall.clock.today.adding(days: 30))
          }
          $0.providedMaterialIds = ["m1", "m3"]
          $0.form = ["enterprise_name": "郑州好味餐饮有限公司"]
          $0.delivery = .with { $0.method = .electronic }
        }, metadata: agent)
      #expect(byAgent.agent.mandateNumber == "WT-2026-0088" && byAgent.hallID.isEmpty)
      // The agent and the applicant both follow it; any hall's clerk may accept it.
      _ = try await hall.get(byAgent.caseNumber, as: agent)
      _ = try await hall.get(byAgent.caseNumber, as: People.zhang)
      let accepted = try await hall.accept(byAgent, as: People.otherHallClerk)
      #expect(accepted.hallID == "other-hall")
    }
  }
}
