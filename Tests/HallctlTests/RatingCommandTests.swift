import Foundation
import HallCalendar
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import HallctlKit

/// Rating through hallctl, on a case that went through intake by hallctl too.
@Suite("hallctl rating", .serialized)
struct RatingCommandTests {
  @Test("a bad rating goes round the loop by hallctl; marks and figures are recorded and read")
  func badReviewLoop() async throws {
    try await Hall.with(rating: true) { hall in
      let submitted = try await hall.run(
        Tokens.clerk,
        [
          "intake", "case", "submit", "--item", IntakeFixture.spotItem, "--window", "W03",
          "--applicant-id", People.zhangID, "--applicant-name", "张三", "--material", "s1",
          "--json",
        ])
      let number = try Hall_Intake_V1_Case(jsonString: submitted.out).caseNumber
      try await hall.run(Tokens.clerk, ["intake", "case", "accept", number])
      try await hall.run(
        Tokens.approver, ["intake", "review", "issue-licence", number, "--name", "食品经营许可证"])
      try await hall.run(Tokens.clerk, ["intake", "case", "deliver", number])
      try await replicatedFinished(hall, number)

      let early = try await hall.refused(
        Tokens.clerk, ["rating", "rate", number, "--satisfaction", "5"])
      #expect(early.hasPrefix("error: PERMISSION_DENIED: "))
      let rated = try await hall.run(
        Tokens.zhang,
        [
          "rating", "rate", number, "--satisfaction", "5", "--channel", "window-device", "--text",
          "等候时间太长", "--json",
        ])
      let rating = try Hall_Rating_V1_Rating(jsonString: rated.out)
      #expect(rating.satisfaction == .veryDissatisfied && rating.windowID == "W03")
      let listed = try await hall.run(Tokens.zhang, ["rating", "list", "--case", number])
      #expect(listed.out.contains("very-dissatisfied"))

      let id = rating.id
      let open = try await hall.run(Tokens.approver, ["rating", "bad-review", "list", "--open"])
      #expect(open.out.contains(id))
      let steps: [(String, [String])] = [
        (Tokens.approver, ["return-visit", id, "--note", "申请人反映等候时间长"]),
        (Tokens.approver, ["classify", id, "--class", "fix-at-once"]),
        (
          Tokens.approver,
          [
            "rectify", id, "--investigation", "高峰时段窗口不足", "--handling", "增设综合窗口",
            "--measures", "弹性排班", "--result", "等候降至 10 分钟",
          ]
        ),
        (Tokens.supervisor, ["check", id, "--passed"]),
        (Tokens.approver, ["feedback", id, "--feedback", "已增开窗口，感谢监督"]),
      ]
      for (token, step) in steps {
        try await hall.run(token, ["rating", "bad-review"] + step)
      }
      try await ServiceClient.with(
        host: "127.0.0.1", port: hall.ratingService!.port, token: Tokens.supervisor
      ) { connection in
        let review = try await Hall_Rating_V1_RatingService.Client(wrapping: connection)
          .getBadReview(.with { $0.id = id })
        #expect(review.state == .closed && review.closedOnTime)
        #expect(review.`class` == .fixAtOnce && review.rectification.measures == "弹性排班")
      }
      let shown = try await hall.run(Tokens.approver, ["rating", "bad-review", "get", id])
      #expect(shown.out.contains("feedback_given"))
      let outOfOrder = try await hall.refused(
        Tokens.approver, ["rating", "bad-review", "feedback", id, "--feedback", "再次反馈"])
      #expect(outOfOrder.hasPrefix("error: FAILED_PRECONDITION: "))

      try await hall.run(
        Tokens.supervisor,
        [
          "rating", "mark", "--kind", "attitude", "--hall", "hl-hall", "--window", "W03",
          "--staff", "clerk-01", "--department", "scjg", "--evidence", "投诉 12345-0928-001",
        ])
      let day = DateFormatter()
      day.locale = Locale(identifier: "en_US_POSIX")
      day.timeZone = Format.chinaStandardTime
      day.dateFormat = "yyyy-MM-dd"
      let figures = try await hall.run(
        Tokens.supervisor,
        [
          "rating", "figures", "--by", "department", "--from", day.string(from: TestClock.start),
          "--to", day.string(from: TestClock.start.addingTimeInterval(86_400)), "--json",
        ])
      let rows = try Hall_Rating_V1_GetFiguresResponse(jsonString: figures.out).rows
      let scjg = try #require(rows.first { $0.key == "scjg" })
      #expect(scjg.finishedCases == 1 && scjg.ratings == 1 && scjg.badRatings == 1)
      #expect(scjg.badMarks == 1)
    }
  }

  @Test("an invitation is answered by phone; an appeal upheld voids a bad review")
  func invitationsAndAppeals() async throws {
    try await Hall.with(rating: true) { hall in
      let unrated = try await finished(hall)
      let calendar = WorkingCalendar.stateCouncil
      let available = calendar.nextWorkingDay(after: Days.today(now: unrated.finishTime.date))
      let day = Format.date(Days.proto(available))
      let listed = try await hall.run(
        Tokens.supervisor, ["rating", "invitation", "list", "--day", day])
      let invitation = "\(unrated.caseNumber)-INV"
      #expect(listed.out.contains(invitation))
      let wrongChannel = try await hall.refused(
        Tokens.supervisor,
        ["rating", "invitation", "record", invitation, "--channel", "pc", "--outcome", "declined"])
      #expect(wrongChannel.hasSuffix("[field channel]"))
      try await hall.run(
        Tokens.supervisor,
        [
          "rating", "invitation", "record", invitation, "--channel", "phone", "--outcome", "rated",
          "--satisfaction", "satisfied",
        ])
      let byPhone = try await hall.run(
        Tokens.supervisor, ["rating", "list", "--case", unrated.caseNumber, "--json"])
      let ratings = try Hall_Rating_V1_ListRatingsResponse(jsonString: byPhone.out).ratings
      #expect(ratings.map(\.channel) == [.phone] && ratings[0].recordedBy == "supervisor-1")

      let mistaken = try await finished(hall)
      let rated = try await hall.run(
        Tokens.zhang, ["rating", "rate", mistaken.caseNumber, "--satisfaction", "4", "--json"])
      let id = try Hall_Rating_V1_Rating(jsonString: rated.out).id
      try await hall.run(
        Tokens.approver,
        [
          "rating", "bad-review", "appeal", id, "--ground", "mistaken", "--reason",
          "申请人来电称误点差评，录音 0928-17",
        ])
      try await hall.run(
        Tokens.supervisor,
        ["rating", "bad-review", "decide-appeal", id, "--uphold", "--reason", "录音属实"])
      let review = try await hall.run(
        Tokens.supervisor, ["rating", "bad-review", "get", id, "--json"])
      let voided = try Hall_Rating_V1_BadReview(jsonString: review.out)
      #expect(voided.state == .void && voided.rating.void)
      #expect(voided.appealGround == .mistaken)
    }
  }

  /// An on-the-spot case taken to delivery, once rating's replica has it finished.
  func finished(_ hall: Hall) async throws -> Hall_Intake_V1_Case {
    let fixture = hall.fixture
    var kase = try await fixture.submit(item: IntakeFixture.spotItem, provided: ["s1"])
    kase = try await fixture.deliver(try await fixture.issue(try await fixture.accept(kase)))
    try await replicatedFinished(hall, kase.caseNumber)
    return kase
  }

  /// Rating checks a rating against its replica of intake's cases, fed asynchronously.
  func replicatedFinished(_ hall: Hall, _ number: String) async throws {
    try await eventually(seconds: 30) {
      try await hall.ratingService!.database.withClient { client in
        try await client.query("SELECT finished FROM cases WHERE case_number = \(number)")
          .collect().first?.decode(Bool.self) == true
      }
    }
  }
}
