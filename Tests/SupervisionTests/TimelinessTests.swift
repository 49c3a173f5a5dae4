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

/// SUP-2: yellow and red cards at the right working instants, pauses honoured, holidays
/// skipped, on-the-spot items overdue after the day they came in.
@Suite("Timeliness cards")
struct TimelinessTests {
  @Test("an intake case is warned one working day before its due time, then red-carded at it")
  func warnedThenRed() async throws {
    try await SupervisionFixture.with { fixture in
      var kase = try await fixture.hall.submit()
      kase = try await fixture.hall.accept(kase)
      #expect(kase.state == .accepted)
      var record = try await fixture.supervised(kase.caseNumber, state: .accepted)
      let due = kase.deadline.dueTime.date
      #expect(record.dueTime.date == due && record.timeliness == .normal && record.open)
      // One working day before: the same time of day on the previous working day.
      let calendar = WorkingCalendar.stateCouncil
      let dueDay = CivilDate(chinaStandardTimeOf: due)
      let warning = due.addingTimeInterval(
        -TimeInterval(dueDay.dayNumber - calendar.previousWorkingDay(before: dueDay).dayNumber)
          * 86_400)
      #expect(record.warningTime.date == warning)

      try await fixture.pass(at: warning.addingTimeInterval(-1))
      record = try await fixture.getCase(kase.caseNumber)
      #expect(record.timeliness == .normal && !record.hasYellowCardTime)

      #expect(try await fixture.pass(at: warning.addingTimeInterval(60)) == 1)
      record = try await fixture.getCase(kase.caseNumber)
      #expect(record.timeliness == .warned && record.yellowCardTime.date == warning)
      #expect(!record.hasRedCardTime)

      try await fixture.pass(at: due.addingTimeInterval(3600))
      record = try await fixture.getCase(kase.caseNumber)
      #expect(record.timeliness == .overdue && record.redCardTime.date == due)
      // The card is kept: a later pass raises nothing again.
      #expect(try await fixture.pass(at: due.addingTimeInterval(86_400 * 30)) == 0)
      let anomalies = try await fixture.anomalies(of: kase.caseNumber)
      #expect(anomalies.map(\.ruleCode) == ["OVERDUE"])
      #expect(anomalies.first?.signal == .red && anomalies.first?.raiseTime.date == due)
      #expect(record.anomalyIds == ["\(kase.caseNumber)/OVERDUE"])
      let cards = try await fixture.count(
        "SELECT count(*) FROM outbox WHERE aggregate_id = '\(kase.caseNumber)' AND event_type LIKE 'supervision.card.%'"
      )
      #expect(cards == 2)
    }
  }

  @Test("a paused clock raises nothing, however long the pause")
  func pausedClock() async throws {
    try await SupervisionFixture.with { fixture in
      var kase = try await fixture.hall.submit()
      kase = try await fixture.hall.accept(kase)
      kase = try await fixture.hall.startReview(kase)
      kase = try await fixture.hall.intake.requestCorrection(
        .with {
          $0.requestID = UUID().uuidString
          $0.caseNumber = kase.caseNumber
          $0.defects = [
            .with {
              $0.materialID = "m1"
              $0.reason = "营业执照复印件不清晰"
            }
          ]
        }, metadata: People.approver)
      #expect(kase.deadline.paused)
      var record = try await fixture.supervised(kase.caseNumber, state: .correctionRequested)
      #expect(record.timeliness == .paused && !record.hasDueTime)
      try await fixture.pass(at: fixture.hall.clock.now.addingTimeInterval(86_400 * 365))
      record = try await fixture.getCase(kase.caseNumber)
      #expect(record.timeliness == .paused && !record.hasYellowCardTime && !record.hasRedCardTime)
      #expect(try await fixture.anomalies(of: kase.caseNumber).isEmpty)
    }
  }

  @Test("National Day and its make-up Saturday count as the calendar says")
  func holidays() async throws {
    try await SupervisionFixture.with { fixture in
      // Accepted Wednesday 30 September with 3 working days: 8, 9 and Saturday 10 October
      // (a make-up working day); 1–7 October are days off.
      let response = try await fixture.report([
        SupervisionFixture.promised(
          "HOLIDAY-1", received: "2026-09-30T09:00:00", accepted: "2026-09-30T10:00:00", days: 3)
      ])
      #expect(response.accepted == 1 && response.refusals.isEmpty)
      let record = try await fixture.getCase("HOLIDAY-1")
      #expect(record.dueTime.date == SupervisionFixture.cst("2026-10-10T17:00:00"))
      #expect(record.yellowCardTime.date == SupervisionFixture.cst("2026-10-09T17:00:00"))
      #expect(record.redCardTime.date == SupervisionFixture.cst("2026-10-10T17:00:00"))
      #expect(record.timeliness == .overdue)
    }
  }

  @Test("an on-the-spot item finished the next day is overdue; the same day it is on time")
  func onTheSpot() async throws {
    try await SupervisionFixture.with { fixture in
      func spot(_ number: String, completed: String) -> Hall_Supervision_V1_CaseReport {
        .with {
          $0.caseNumber = number
          $0.itemCode = IntakeFixture.spotItem
          $0.departmentID = "scjg"
          $0.state = 11
          $0.caseKind = .onTheSpot
          $0.receiveTime = SupervisionFixture.stamp("2026-11-02T10:00:00")
          $0.completionTime = SupervisionFixture.stamp(completed)
        }
      }
      let response = try await fixture.report([
        spot("SPOT-LATE", completed: "2026-11-03T09:30:00"),
        spot("SPOT-OK", completed: "2026-11-02T16:30:00"),
      ])
      #expect(response.accepted == 2)
      let late = try await fixture.getCase("SPOT-LATE")
      #expect(late.timeliness == .overdue)
      #expect(late.redCardTime.date == SupervisionFixture.cst("2026-11-02T17:00:00"))
      let onTime = try await fixture.getCase("SPOT-OK")
      #expect(onTime.timeliness != .overdue && !onTime.hasRedCardTime)
      let figures = try await fixture.supervision.getFigures(
        .with {
          $0.grouping = .department
          $0.from = Days.proto(try CivilDate(year: 2026, month: 11, day: 1))
          $0.to = Days.proto(try CivilDate(year: 2026, month: 12, day: 1))
        }, metadata: People.supervisor)
      let row = try #require(figures.rows.first { $0.key == "scjg" })
      #expect(row.onTheSpotCompleted == 2 && row.onTheSpotSameDay == 1)
      #expect(row.sameDayRateBp == 5000)
    }
  }
}
