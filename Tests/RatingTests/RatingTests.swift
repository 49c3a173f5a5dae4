import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import RatingService

/// RAT-1, RAT-2, RAT-6 through the contract, against cases that really went through intake.
@Suite("Ratings and invitations")
struct RatingTests {
  @Test("a finished case is rated by its applicant, tied to window and staff; refusals are precise")
  func rateFinishedCase() async throws {
    try await RatingFixture.with { fixture in
      let kase = try await fixture.finishedCase()
      await expectRefusal(.permissionDenied, containing: "only its applicant") {
        _ = try await fixture.rate(kase.caseNumber, .satisfied, as: People.li)
      }
      let rating = try await fixture.rate(kase.caseNumber, .verySatisfied)
      #expect(rating.id == "\(kase.caseNumber)-R1" && rating.evaluation == 1)
      #expect(rating.departmentID == "scjg" && rating.hallID == "hl-hall")
      #expect(rating.windowID == "W03" && rating.staffID == "clerk-01")
      #expect(rating.regionCode == "410902" && rating.satisfaction.rawValue == 1)
      await expectRefusal(.failedPrecondition, containing: "already rated") {
        _ = try await fixture.rate(kase.caseNumber, .satisfied)
      }
      await expectRefusal(.notFound) {
        _ = try await fixture.rate("NO-SUCH-CASE", .satisfied)
      }
      await expectRefusal(.invalidArgument, field: "satisfaction") {
        _ = try await fixture.rate(kase.caseNumber, .unspecified)
      }
      // An accepted case is not finished.
      let open = try await fixture.hall.accept(try await fixture.hall.submit())
      try await fixture.replicated(open.caseNumber, finished: false)
      await expectRefusal(.failedPrecondition, containing: "not finished") {
        _ = try await fixture.rate(open.caseNumber, .satisfied)
      }
      let events = try await fixture.ratingService.database.withClient { client in
        try await client.query("SELECT event_type FROM outbox ORDER BY id").collect()
          .map { try $0.decode(String.self) }
      }
      #expect(events.contains("rating.rating.given"))
      #expect(!events.contains { $0.hasPrefix("rating.bad_review") })
    }
  }

  @Test("a second evaluation follows a bad rating within 10 working days, beside the first")
  func secondEvaluation() async throws {
    try await RatingFixture.with { fixture in
      let good = try await fixture.finishedCase()
      _ = try await fixture.rate(good.caseNumber, .satisfied)
      await expectRefusal(.failedPrecondition, containing: "anomaly") {
        _ = try await fixture.rate(good.caseNumber, .verySatisfied, second: true)
      }
      let bad = try await fixture.finishedCase()
      await expectRefusal(.failedPrecondition, containing: "no first rating") {
        _ = try await fixture.rate(bad.caseNumber, .satisfied, second: true)
      }
      let first = try await fixture.rate(bad.caseNumber, .dissatisfied)
      let second = try await fixture.rate(bad.caseNumber, .basicallySatisfied, second: true)
      #expect(second.id == "\(bad.caseNumber)-R2" && second.evaluation == 2)
      let listed = try await fixture.rating.listRatings(
        .with { $0.caseNumber = bad.caseNumber }, metadata: People.zhang)
      #expect(listed.ratings.map(\.satisfaction) == [first.satisfaction, second.satisfaction])
    }
  }

  @Test("unrated finished cases are invited from the next working day; answers are recorded")
  func invitations() async throws {
    try await RatingFixture.with { fixture in
      let kase = try await fixture.finishedCase()
      let calendar = WorkingCalendar.stateCouncil
      let finishDay = Days.today(now: kase.finishTime.date)
      let available = calendar.nextWorkingDay(after: finishDay)
      let due = Days.today(now: try calendar.dueTime(after: 5, from: kase.finishTime.date))
      func list(_ day: CivilDate) async throws -> [Hall_Rating_V1_Invitation] {
        try await fixture.rating.listInvitations(
          .with { $0.day = Days.proto(day) }, metadata: People.supervisor
        ).invitations
      }
      #expect(try await list(finishDay).isEmpty)
      let invited = try await list(available)
      #expect(invited.map(\.caseNumber) == [kase.caseNumber])
      #expect(invited[0].dueBy == Days.proto(due))
      await expectRefusal(.invalidArgument, field: "channel") {
        _ = try await fixture.rating.recordInvitationOutcome(
          .with {
            $0.requestID = "bad-channel"
            $0.invitationID = invited[0].id
            $0.channel = .pc
            $0.outcome = .declined
          }, metadata: People.supervisor)
      }
      let answered = try await fixture.rating.recordInvitationOutcome(
        .with {
          $0.requestID = "phone"
          $0.invitationID = invited[0].id
          $0.channel = .phone
          $0.outcome = .rated
          $0.satisfaction = .satisfied
        }, metadata: People.supervisor)
      #expect(answered.outcome == .rated && answered.workedBy == "supervisor-1")
      #expect(try await list(available).isEmpty)
      let rating = try #require(
        try await fixture.rating.listRatings(
          .with { $0.caseNumber = kase.caseNumber }, metadata: People.supervisor
        ).ratings.first)
      #expect(rating.channel == .phone && rating.recordedBy == "supervisor-1")
      #expect(rating.applicantID == "4101**********1230")

      // A case the applicant rates unasked leaves the list too.
      let other = try await fixture.finishedCase()
      #expect(try await list(available).map(\.caseNumber) == [other.caseNumber])
      _ = try await fixture.rate(other.caseNumber, .verySatisfied)
      #expect(try await list(available).isEmpty)
    }
  }
}
