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

@testable import SupervisionService

/// SUP-4 to SUP-6: manual entries judged by an officer, one appeal within 10 working days,
/// the supervisor's decision, and follow-up until closed or handed on for sanction.
@Suite("Manual entries, appeals and follow-up")
struct AppealTests {
  func complaint(
    _ fixture: SupervisionFixture, about caseNumber: String, request: String
  ) async throws -> Hall_Supervision_V1_Anomaly {
    try await fixture.supervision.recordManualEntry(
      .with {
        $0.requestID = request
        $0.source = .phoneComplaint
        $0.caseNumber = caseNumber
        $0.summary = "申请人来电反映窗口人员推诿"
        $0.evidence = "12345 热线工单 20261124-0087"
      }, metadata: People.supervisor)
  }

  func judge(
    _ fixture: SupervisionFixture, _ id: String, signal: Hall_Supervision_V1_Signal,
    anomalous: Bool = true
  ) async throws -> Hall_Supervision_V1_Anomaly {
    try await fixture.supervision.judgeManualEntry(
      .with {
        $0.requestID = "judge-\(id)"
        $0.id = id
        $0.anomalous = anomalous
        $0.category = .process
        $0.signal = signal
        $0.judgement = anomalous ? "经核实属实" : "经核实不属实"
      }, metadata: People.supervisor)
  }

  func appeal(
    _ fixture: SupervisionFixture, _ id: String, as caller: Metadata = People.approver,
    request: String = UUID().uuidString
  ) async throws -> Hall_Supervision_V1_Anomaly {
    try await fixture.supervision.appealAnomaly(
      .with {
        $0.requestID = request
        $0.id = id
        $0.reason = "当日系统故障，已按规定告知申请人"
      }, metadata: caller)
  }

  func redCarded(_ fixture: SupervisionFixture) async throws -> Int64 {
    let today = fixture.hall.clock.today
    return try await fixture.supervision.getFigures(
      .with {
        $0.grouping = .deployment
        $0.from = Days.proto(today.adding(days: -60))
        $0.to = Days.proto(today.adding(days: 1))
      }, metadata: People.supervisor
    ).rows[0].redCardedCases
  }

  @Test("an officer judges a complaint; the department appeals once; an upheld appeal removes it")
  func complaintAppealUpheld() async throws {
    try await SupervisionFixture.with { fixture in
      _ = try await fixture.report([
        SupervisionFixture.promised(
          "M-CASE", received: "2026-11-23T09:00:00", accepted: "2026-11-23T09:10:00")
      ])
      let entry = try await complaint(fixture, about: "M-CASE", request: "complaint-1")
      #expect(entry.state == .pendingJudgement && entry.id.hasPrefix("M-"))
      #expect(entry.departmentID == "scjg" && entry.staffID == "clerk-01")
      #expect(try await redCarded(fixture) == 0)
      await expectRefusal(.failedPrecondition) { _ = try await appeal(fixture, entry.id) }
      var anomaly = try await judge(fixture, entry.id, signal: .red)
      #expect(anomaly.state == .open && anomaly.signal == .red)
      #expect(try await redCarded(fixture) == 1)
      #expect(try await fixture.getCase("M-CASE").anomalyIds == [entry.id])

      await expectRefusal(.permissionDenied) {
        _ = try await appeal(fixture, entry.id, as: People.healthApprover)
      }
      anomaly = try await appeal(fixture, entry.id, request: "appeal-1")
      #expect(anomaly.state == .appealed && anomaly.appeal.appealedBy == "approver-scjg")
      // A retry answers the same; a second appeal is refused.
      #expect(try await appeal(fixture, entry.id, request: "appeal-1") == anomaly)
      await expectRefusal(.failedPrecondition, containing: "already appealed") {
        _ = try await appeal(fixture, entry.id)
      }
      await expectRefusal(.permissionDenied) {
        _ = try await fixture.supervision.decideAppeal(
          .with {
            $0.requestID = "self-decide"
            $0.id = entry.id
            $0.uphold = true
            $0.reason = "自己裁决"
          }, metadata: People.approver)
      }
      anomaly = try await fixture.supervision.decideAppeal(
        .with {
          $0.requestID = "decide-1"
          $0.id = entry.id
          $0.uphold = true
          $0.reason = "系统故障属实"
        }, metadata: People.supervisor)
      #expect(anomaly.state == .removed && anomaly.appeal.upheld)
      #expect(try await redCarded(fixture) == 0)
      let counted = try await fixture.count("SELECT count(*) FROM anomalies WHERE counted")
      #expect(counted == 0)
    }
  }

  @Test("an appeal after 10 working days is refused; a rejected appeal keeps the anomaly")
  func appealWindow() async throws {
    try await SupervisionFixture.with { fixture in
      // Overdue on 10 October: the window closed ten working days later.
      _ = try await fixture.report([
        SupervisionFixture.promised(
          "OLD-1", received: "2026-09-30T09:00:00", accepted: "2026-09-30T10:00:00", days: 3)
      ])
      let old = try #require(try await fixture.anomalies(of: "OLD-1").first)
      #expect(old.ruleCode == "OVERDUE")
      #expect(Days.text(old.appealDue) == "2026-10-26")
      await expectRefusal(.failedPrecondition, containing: "closed on 2026-10-26") {
        _ = try await appeal(fixture, old.id)
      }
      #expect(
        try await fixture.supervision.getAnomaly(
          .with { $0.id = old.id }, metadata: People.supervisor
        ).state == .open)

      let entry = try await complaint(fixture, about: "OLD-1", request: "complaint-2")
      _ = try await judge(fixture, entry.id, signal: .yellow)
      _ = try await appeal(fixture, entry.id)
      let rejected = try await fixture.supervision.decideAppeal(
        .with {
          $0.requestID = "decide-2"
          $0.id = entry.id
          $0.uphold = false
          $0.reason = "理由不成立"
        }, metadata: People.supervisor)
      #expect(rejected.state == .open && rejected.appeal.decided && !rejected.appeal.upheld)
      // Judged no anomaly: it never counts.
      let none = try await complaint(fixture, about: "OLD-1", request: "complaint-3")
      #expect(
        try await judge(fixture, none.id, signal: .yellow, anomalous: false).state == .removed)
      #expect(try await fixture.getCase("OLD-1").anomalyIds.count == 3)
    }
  }

  @Test("follow-up: urged, corrected, closed; a red card handed over and disposed")
  func followUp() async throws {
    try await SupervisionFixture.with { fixture in
      _ = try await fixture.report([
        SupervisionFixture.promised(
          "F-1", received: "2026-09-30T09:00:00", accepted: "2026-09-30T10:00:00", days: 3)
      ])
      let id = "F-1/OVERDUE"
      func step(
        _ kind: Hall_Supervision_V1_FollowUpKind, to: String = "", as caller: Metadata
      ) async throws -> Hall_Supervision_V1_Anomaly {
        try await fixture.supervision.recordFollowUp(
          .with {
            $0.requestID = UUID().uuidString
            $0.id = id
            $0.kind = kind
            $0.note = "\(kind)"
            $0.to = to
          }, metadata: caller)
      }
      await expectRefusal(.failedPrecondition, containing: "correction") {
        _ = try await step(.closed, as: People.supervisor)
      }
      await expectRefusal(.failedPrecondition, containing: "hand-over") {
        _ = try await step(.disposed, as: People.supervisor)
      }
      await expectRefusal(.permissionDenied) { _ = try await step(.urged, as: People.approver) }
      await expectRefusal(.invalidArgument, field: "to") {
        _ = try await step(.handedOver, as: People.supervisor)
      }
      _ = try await step(.urged, as: People.supervisor)
      _ = try await step(.handedOver, to: "区纪委监委", as: People.supervisor)
      _ = try await step(.disposed, as: People.supervisor)
      _ = try await step(.corrected, as: People.approver)
      let closed = try await step(.closed, as: People.supervisor)
      #expect(closed.state == .closed)
      #expect(
        closed.followUps.map(\.kind) == [.urged, .handedOver, .disposed, .corrected, .closed])
      #expect(closed.followUps[1].to == "区纪委监委")
      // Closed still counts.
      #expect(try await redCarded(fixture) == 1)
    }
  }

  @Test("an anomaly supervision raised opens the applicant's second evaluation in rating")
  func secondEvaluationAfterOverdue() async throws {
    try await SupervisionFixture.with { fixture in
      var kase = try await fixture.hall.accept(try await fixture.hall.submit())
      _ = try await fixture.supervised(kase.caseNumber, state: .accepted)
      try await fixture.pass(at: kase.deadline.dueTime.date.addingTimeInterval(3600))
      #expect(try await fixture.anomalies(of: kase.caseNumber).map(\.ruleCode) == ["OVERDUE"])
      kase = try await fixture.hall.startReview(kase)
      kase = try await fixture.hall.decide(kase)
      kase = try await fixture.hall.issue(kase)
      kase = try await fixture.hall.deliver(kase)
      let number = kase.caseNumber
      func rate(_ satisfaction: Hall_Rating_V1_Satisfaction, second: Bool) async throws
        -> Hall_Rating_V1_Rating
      {
        try await fixture.rating.submitRating(
          .with {
            $0.requestID = UUID().uuidString
            $0.caseNumber = number
            $0.satisfaction = satisfaction
            $0.channel = .pc
            $0.secondEvaluation = second
          }, metadata: People.zhang)
      }
      try await eventually(seconds: 30) {
        (try? await rate(.basicallySatisfied, second: false)) != nil
      }
      // A good first rating, yet the case was overdue: the applicant may evaluate again once
      // rating has heard of the anomaly from supervision's feed.
      try await eventually(seconds: 30) { (try? await rate(.verySatisfied, second: true)) != nil }
      let ratings = try await fixture.rating.listRatings(
        .with { $0.caseNumber = number }, metadata: People.supervisor)
      #expect(ratings.ratings.map(\.evaluation).sorted() == [1, 2])
    }
  }
}
