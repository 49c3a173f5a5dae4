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

/// SUP-3: each rule raises its anomaly from its cause, with the evidence, department, staff
/// and time; the rules' switches and parameters are data.
@Suite("Anomaly rules")
struct AnomalyRuleTests {
  @Test("refusal without a reason, window wait, visits, fees and a slow step raise their rules")
  func reportedCauses() async throws {
    try await SupervisionFixture.with { fixture in
      var refused = SupervisionFixture.promised(
        "R-REFUSED", received: "2026-11-02T09:00:00", accepted: "2026-11-02T09:00:00", state: 4)
      refused.clearAcceptTime()
      var waited = SupervisionFixture.promised(
        "R-WAIT", received: "2026-11-02T09:00:00", accepted: "2026-11-02T09:10:00",
        days: 20)
      waited.waitSeconds = 40 * 60
      var visits = SupervisionFixture.promised(
        "R-VISITS", received: "2026-11-02T09:00:00", accepted: "2026-11-02T09:10:00",
        days: 20)
      visits.visits = 3
      var fee = SupervisionFixture.promised(
        "R-FEE", received: "2026-11-02T09:00:00", accepted: "2026-11-02T09:10:00",
        days: 20)
      fee.feeChargedFen = 2000
      let slow = SupervisionFixture.promised(
        "R-SLOW", received: "2026-11-02T09:00:00", accepted: "2026-11-16T09:00:00", days: 20)
      var clean = SupervisionFixture.promised(
        "R-CLEAN", received: "2026-11-20T09:00:00", accepted: "2026-11-20T09:10:00", days: 20)
      clean.feeChargedFen = 1000
      clean.visits = 1
      let response = try await fixture.report([refused, waited, visits, fee, slow, clean])
      #expect(response.accepted == 6, "\(response.refusals)")
      let expected = [
        "R-REFUSED": "REFUSAL_WITHOUT_REASON", "R-WAIT": "WINDOW_WAIT",
        "R-VISITS": "EXCESS_VISITS", "R-FEE": "FEE_NOT_PER_STANDARD", "R-SLOW": "STEP_OVERDUE",
      ]
      for (number, rule) in expected {
        let found = try await fixture.anomalies(of: number)
        #expect(found.map(\.ruleCode) == [rule], "\(number)")
        let anomaly = try #require(found.first)
        #expect(anomaly.departmentID == "scjg" && anomaly.regionCode == SupervisionFixture.region)
        #expect(anomaly.staffID == "clerk-01" && anomaly.evidence.count == 1)
        #expect(anomaly.state == .open && !Days.isUnset(anomaly.appealDue))
      }
      #expect(try await fixture.anomalies(of: "R-CLEAN").isEmpty)
      let fees = try #require(try await fixture.anomalies(of: "R-FEE").first)
      #expect(fees.category == .fees && fees.signal == .red)
      #expect(fees.summary.contains("2000") && fees.summary.contains("1000"))
      // Reporting the same case again raises nothing twice.
      _ = try await fixture.report([fee])
      #expect(try await fixture.anomalies(of: "R-FEE").count == 1)
    }
  }

  @Test("a dissatisfied rating raises an anomaly; a second evaluation re-grades it")
  func ratings() async throws {
    try await SupervisionFixture.with { fixture in
      var kase = try await fixture.hall.submit(item: IntakeFixture.spotItem, provided: ["s1"])
      kase = try await fixture.hall.accept(kase)
      kase = try await fixture.hall.issue(kase)
      kase = try await fixture.hall.deliver(kase)
      _ = try await fixture.supervised(kase.caseNumber, state: .delivered)
      let number = kase.caseNumber
      try await eventually(seconds: 30) {
        (try? await fixture.rating.submitRating(
          .with {
            $0.requestID = "rate-\(number)"
            $0.caseNumber = number
            $0.satisfaction = .dissatisfied
            $0.channel = .windowDevice
            $0.text = "等候时间太长"
          }, metadata: People.zhang)) != nil
      }
      try await eventually(seconds: 30) {
        try await fixture.anomalies(of: number).map(\.ruleCode) == ["RATING_DISSATISFIED"]
      }
      var anomaly = try #require(try await fixture.anomalies(of: number).first)
      #expect(anomaly.category == .content && anomaly.state == .open)
      #expect(anomaly.departmentID == "scjg" && anomaly.windowID == "W03")
      _ = try await fixture.rating.submitRating(
        .with {
          $0.requestID = "second-\(number)"
          $0.caseNumber = number
          $0.satisfaction = .satisfied
          $0.channel = .pc
          $0.secondEvaluation = true
        }, metadata: People.zhang)
      try await eventually(seconds: 30) {
        try await fixture.anomalies(of: number).first?.state == .removed
      }
      anomaly = try #require(try await fixture.anomalies(of: number).first)
      #expect(anomaly.regradedTo == 2 && anomaly.evidence.count == 2)
      let today = fixture.hall.clock.today
      let figures = try await fixture.supervision.getFigures(
        .with {
          $0.grouping = .deployment
          $0.from = Days.proto(today)
          $0.to = Days.proto(today.adding(days: 1))
        }, metadata: People.supervisor)
      let row = try #require(figures.rows.first)
      #expect(row.ratings == 1 && row.goodRatings == 1 && row.anomalies == 0)
    }
  }

  @Test("an attitude mark 'bad' raises an anomaly on the staff member")
  func attitude() async throws {
    try await SupervisionFixture.with { fixture in
      let mark = try await fixture.rating.recordMark(
        .with {
          $0.requestID = "mark-1"
          $0.mark = .with {
            $0.kind = .attitude
            $0.hallID = "hl-hall"
            $0.windowID = "W05"
            $0.staffID = "clerk-05"
            $0.departmentID = "scjg"
            $0.evidence = "视频监控 2026-11-24 10:12，窗口人员态度生硬"
          }
        }, metadata: People.supervisor)
      try await eventually(seconds: 30) {
        try await fixture.supervision.listAnomalies(
          .with { $0.ruleCode = "ATTITUDE_BAD" }, metadata: People.supervisor
        ).anomalies.count == 1
      }
      let anomaly = try await fixture.supervision.getAnomaly(
        .with { $0.id = "\(mark.id)/ATTITUDE_BAD" }, metadata: People.supervisor)
      #expect(anomaly.staffID == "clerk-05" && anomaly.windowID == "W05")
      #expect(anomaly.category == .integrity && anomaly.caseNumber.isEmpty)
      #expect(anomaly.summary.contains("态度生硬"))
    }
  }

  @Test("rules are data: a rule switched off or a parameter raised changes what is raised")
  func rulesAsData() async throws {
    try await SupervisionFixture.with { fixture in
      let rules = try await fixture.supervision.listRules(.init(), metadata: People.supervisor)
      #expect(rules.rules.count == 8)
      let wait = try #require(rules.rules.first { $0.code == "WINDOW_WAIT" })
      #expect(wait.parameters == ["max_wait_minutes": 30] && wait.enabled)
      await expectRefusal(.invalidArgument, field: "parameters") {
        _ = try await fixture.supervision.updateRule(
          .with {
            $0.requestID = "bad"
            $0.code = "WINDOW_WAIT"
            $0.enabled = true
            $0.category = .process
            $0.signal = .yellow
            $0.parameters = ["max_wait": 60]
          }, metadata: People.supervisor)
      }
      await expectRefusal(.permissionDenied) {
        _ = try await fixture.supervision.updateRule(
          .with {
            $0.requestID = "not-yours"
            $0.code = "WINDOW_WAIT"
          }, metadata: People.approver)
      }
      _ = try await fixture.supervision.updateRule(
        .with {
          $0.requestID = "wait-60"
          $0.code = "WINDOW_WAIT"
          $0.enabled = true
          $0.category = .process
          $0.signal = .yellow
          $0.parameters = ["max_wait_minutes": 60]
        }, metadata: People.supervisor)
      _ = try await fixture.supervision.updateRule(
        .with {
          $0.requestID = "fees-off"
          $0.code = "FEE_NOT_PER_STANDARD"
          $0.enabled = false
          $0.category = .fees
          $0.signal = .red
        }, metadata: People.supervisor)
      var waited = SupervisionFixture.promised(
        "D-WAIT", received: "2026-11-23T09:00:00", accepted: "2026-11-23T09:10:00")
      waited.waitSeconds = 40 * 60
      waited.feeChargedFen = 5000
      var long = SupervisionFixture.promised(
        "D-LONG", received: "2026-11-23T09:00:00", accepted: "2026-11-23T10:10:00")
      long.waitSeconds = 70 * 60
      _ = try await fixture.report([waited, long])
      #expect(try await fixture.anomalies(of: "D-WAIT").isEmpty)
      #expect(try await fixture.anomalies(of: "D-LONG").map(\.ruleCode) == ["WINDOW_WAIT"])
    }
  }
}
