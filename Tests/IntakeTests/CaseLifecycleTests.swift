import Foundation
import GRPCCore
import HallCalendar
import HallContracts
import HallFixtures
import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import IntakeService

/// INT-2, INT-3, INT-5..INT-7, INT-9, INT-11, INT-12 through the contract: a case from the
/// queue ticket to delivery, as a hall runs it.
@Suite("Case lifecycle")
struct CaseLifecycleTests {
  @Test("the thousandth ticket of a day is A1000: numbers never wrap (INT-2)")
  func ticketNumbersDoNotWrap() async throws {
    try await IntakeFixture.with { hall in
      let day = hall.clock.today.dayNumber
      _ = try await hall.intakeService.database.withClient { client in
        try await client.query(
          """
          INSERT INTO tickets (id, hall_id, day, sequence, state, issue_time, body)
          VALUES ('T-earlier', 'hl-hall', \(day), 999, 3, now(), '')
          """)
      }
      let ticket = try await hall.intake.issueTicket(
        .with {
          $0.requestID = "ticket-1000"
          $0.itemCode = IntakeFixture.promisedItem
        }, metadata: People.clerk)
      #expect(ticket.number == "A1000")
    }
  }

  @Test("ticket, submission, acceptance, review, decision, licence, pick-up")
  func wholeCase() async throws {
    try await IntakeFixture.with { hall in
      let ticket = try await hall.intake.issueTicket(
        .with {
          $0.requestID = "ticket-1"
          $0.itemCode = IntakeFixture.promisedItem
        }, metadata: People.clerk)
      #expect(ticket.number == "A001" && ticket.state == .waiting && ticket.hallID == "hl-hall")
      let called = try await hall.intake.callNextTicket(
        .with {
          $0.requestID = "call-1"
          $0.windowID = "W03"
        }, metadata: People.clerk)
      #expect(called.id == ticket.id && called.state == .called && called.windowID == "W03")
      #expect(called.waitSeconds >= 0 && called.clerkID == "clerk-01")

      var kase = try await hall.submit(ticket: ticket.id)
      #expect(kase.state == .received && kase.itemVersion == 1 && kase.departmentID == "scjg")
      #expect(kase.caseNumber.hasPrefix("\(IntakeFixture.promisedItem)-"))
      #expect(kase.ticketID == ticket.id && kase.hallID == "hl-hall" && kase.windowID == "W03")
      // m2 comes from the electronic licence and is never asked for (Art. 24).
      #expect(kase.materials.map(\.status) == [.provided, .notAsked, .provided, .notBrought])

      kase = try await hall.accept(kase)
      #expect(kase.state == .accepted && kase.category == .promised)
      let due = try WorkingCalendar.stateCouncil.dueTime(after: 5, from: kase.acceptTime.date)
      #expect(kase.deadline.dueTime.date == due && kase.deadline.budgetWorkingDays == 5)
      #expect(kase.deadline.statutoryWorkingDays == 20)

      kase = try await hall.startReview(kase)
      kase = try await hall.decide(kase)
      #expect(kase.state == .approved && kase.decision.decidedBy == "approver-scjg")
      kase = try await hall.issue(kase)
      #expect(kase.state == .issued && kase.licence.number == "\(kase.caseNumber)-Z")
      kase = try await hall.deliver(kase)
      #expect(kase.state == .delivered && kase.hasFinishTime)
      // Handing in and picking up are two visits, one more than the item promises.
      #expect(kase.visits.map(\.purpose) == ["提交申请", "领取证照"])

      let served = try await hall.intake.listTickets(
        .with { $0.state = .served }, metadata: People.clerk)
      #expect(served.tickets.map(\.caseNumber) == [kase.caseNumber])

      // The applicant follows it: status and the full timeline (INT-11).
      let seen = try await hall.get(kase.caseNumber, as: People.zhang)
      #expect(
        seen.timeline.map(\.action) == [
          "received", "accepted", "review_started", "decided", "licence_issued", "delivered",
        ])
      #expect(
        seen.timeline.map(\.actor) == [
          "clerk-01", "clerk-01", "approver-scjg", "approver-scjg", "approver-scjg", "clerk-01",
        ])
      // Every change is an event, with the case as payload (INT-12).
      let events = try await hall.events(of: kase.caseNumber)
      #expect(events == seen.timeline.map { "intake.case.\($0.action)" })
      #expect(
        try await hall.events(of: ticket.id) == [
          "intake.ticket.issued", "intake.ticket.called", "intake.ticket.served",
        ])
    }
  }

  @Test("an on-the-spot item is decided at acceptance, due the same day")
  func onTheSpot() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.submit(item: IntakeFixture.spotItem, provided: ["s1"])
      kase = try await hall.accept(kase)
      #expect(kase.state == .approved && kase.category == .onTheSpot)
      #expect(kase.decision.approved && kase.decision.decidedBy == "clerk-01")
      let due = try WorkingCalendar.stateCouncil.dueTime(after: 0, from: kase.acceptTime.date)
      #expect(kase.deadline.dueTime.date == due)
      #expect(kase.timeline.map(\.action) == ["received", "accepted", "decided"])
    }
  }

  @Test("a retried call with the same request id creates nothing twice (REL-1)")
  func idempotentSubmission() async throws {
    try await IntakeFixture.with { hall in
      let first = try await hall.submit(request: "same-request")
      let second = try await hall.submit(request: "same-request")
      #expect(first == second)
      #expect(try await hall.count("cases") == 1)
      let accepted = try await hall.intake.acceptCase(
        .with {
          $0.requestID = "accept-once"
          $0.caseNumber = first.caseNumber
        }, metadata: People.clerk)
      let again = try await hall.intake.acceptCase(
        .with {
          $0.requestID = "accept-once"
          $0.caseNumber = first.caseNumber
        }, metadata: People.clerk)
      #expect(accepted == again)
      #expect(try await hall.events(of: first.caseNumber).count == 2)
    }
  }

  @Test("fees are recorded against the item's standard; visits are counted (INT-9)")
  func feesAndVisits() async throws {
    try await IntakeFixture.with { hall in
      var kase = try await hall.accept(try await hall.submit())
      for (amount, receipt) in [(1000, "R-1"), (1500, "R-2")] {
        kase = try await hall.intake.recordFee(
          .with {
            $0.requestID = receipt
            $0.caseNumber = kase.caseNumber
            $0.amountFen = Int64(amount)
            $0.receiptNumber = receipt
          }, metadata: People.clerk)
      }
      #expect(kase.fees.map(\.perStandard) == [true, false])
      #expect(kase.fees.map(\.standardAmountFen) == [1000, 1000])
      kase = try await hall.intake.recordVisit(
        .with {
          $0.requestID = "visit"
          $0.caseNumber = kase.caseNumber
          $0.purpose = "补充说明情况"
        }, metadata: People.clerk)
      #expect(kase.visits.count == 2 && kase.maxVisits == 1)
      #expect(kase.timeline.last?.note.contains("more than promised") == true)
    }
  }
}
