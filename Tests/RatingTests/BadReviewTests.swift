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

@testable import RatingService

/// RAT-3 to RAT-5: the bad-review loop, appeals, marks, and figures against a hand count.
@Suite("Bad reviews, marks and figures")
struct BadReviewTests {
  @Test("a bad review goes round the whole loop, a failed quality check included")
  func wholeLoop() async throws {
    try await RatingFixture.with { fixture in
      let kase = try await fixture.finishedCase()
      let rating = try await fixture.rate(kase.caseNumber, .veryDissatisfied)
      let rpc = fixture.rating
      let department = People.approver
      let id = rating.id
      var review = try await rpc.getBadReview(.with { $0.id = id }, metadata: department)
      #expect(review.state == .assigned && review.departmentID == "scjg")
      let calendar = WorkingCalendar.stateCouncil
      #expect(
        review.returnVisitDue.date == (try calendar.dueTime(after: 1, from: rating.time.date)))
      #expect(
        review.rectificationDue.date == (try calendar.dueTime(after: 15, from: rating.time.date)))

      // Out of order, and by another department: refused, nothing changes.
      await expectRefusal(.failedPrecondition, containing: "cannot give feedback") {
        _ = try await rpc.giveFeedback(
          .with {
            $0.requestID = "early"
            $0.id = id
            $0.feedback = "已整改"
          }, metadata: department)
      }
      await expectRefusal(.permissionDenied) {
        _ = try await rpc.recordReturnVisit(
          .with {
            $0.requestID = "other"
            $0.id = id
            $0.note = "回访"
          }, metadata: People.healthApprover)
      }
      review = try await rpc.recordReturnVisit(
        .with {
          $0.requestID = "visit"
          $0.id = id
          $0.note = "申请人反映等候时间长"
        }, metadata: department)
      #expect(review.state == .returnVisited && review.returnVisitOnTime)
      review = try await rpc.classifyBadReview(
        .with {
          $0.requestID = "classify"
          $0.id = id
          $0.class = .ledger
          $0.ledgerWorkingDays = 10
        }, metadata: department)
      #expect(review.state == .classified && review.hasLedgerDeadline)
      let record = Hall_Rating_V1_Rectification.with {
        $0.investigation = "高峰时段窗口不足"
        $0.handling = "增设两个综合窗口"
        $0.measures = "高峰时段弹性排班"
        $0.result = "平均等候时间降至 10 分钟"
      }
      review = try await rpc.recordRectification(
        .with {
          $0.requestID = "rectify-1"
          $0.id = id
          $0.rectification = record
        }, metadata: department)
      await expectRefusal(.invalidArgument, field: "comment") {
        _ = try await rpc.checkRectification(
          .with {
            $0.requestID = "check-no-comment"
            $0.id = id
            $0.passed = false
          }, metadata: People.supervisor)
      }
      review = try await rpc.checkRectification(
        .with {
          $0.requestID = "check-1"
          $0.id = id
          $0.passed = false
          $0.comment = "整改措施不具体"
        }, metadata: People.supervisor)
      #expect(review.state == .classified && review.qualityFailures == 1)
      review = try await rpc.recordRectification(
        .with {
          $0.requestID = "rectify-2"
          $0.id = id
          $0.rectification = record
        }, metadata: department)
      review = try await rpc.checkRectification(
        .with {
          $0.requestID = "check-2"
          $0.id = id
          $0.passed = true
        }, metadata: People.supervisor)
      review = try await rpc.giveFeedback(
        .with {
          $0.requestID = "feedback"
          $0.id = id
          $0.feedback = "已增设窗口，欢迎再次评价"
        }, metadata: department)
      #expect(review.state == .closed && review.closedOnTime)
      #expect(
        review.history.map(\.action) == [
          "assigned", "return_visited", "classified", "rectified", "quality_failed", "rectified",
          "quality_passed", "feedback_given",
        ])
    }
  }

  @Test("an upheld appeal voids a malicious bad review; a rejected one resumes the loop")
  func appeals() async throws {
    try await RatingFixture.with { fixture in
      let rpc = fixture.rating
      var ids: [String] = []
      for _ in 0..<2 {
        let kase = try await fixture.finishedCase()
        ids.append(try await fixture.rate(kase.caseNumber, .veryDissatisfied).id)
      }
      for (index, id) in ids.enumerated() {
        _ = try await rpc.appealBadReview(
          .with {
            $0.requestID = "appeal-\(index)"
            $0.id = id
            $0.ground = .malicious
            $0.reason = "评价内容与办件无关，有录像为证"
          }, metadata: People.approver)
      }
      let upheld = try await rpc.decideAppeal(
        .with {
          $0.requestID = "uphold"
          $0.id = ids[0]
          $0.uphold = true
          $0.reason = "经核实为恶意差评"
        }, metadata: People.supervisor)
      #expect(upheld.state == .void && upheld.rating.void)
      let rejected = try await rpc.decideAppeal(
        .with {
          $0.requestID = "reject"
          $0.id = ids[1]
          $0.uphold = false
          $0.reason = "证据不足"
        }, metadata: People.supervisor)
      #expect(rejected.state == .assigned)
      await expectRefusal(.failedPrecondition, containing: "already appealed") {
        _ = try await rpc.appealBadReview(
          .with {
            $0.requestID = "again"
            $0.id = ids[1]
            $0.ground = .mistaken
            $0.reason = "再次申诉"
          }, metadata: People.approver)
      }
    }
  }

  @Test("figures match a hand count of a seeded day")
  func figures() async throws {
    try await RatingFixture.with { fixture in
      // Five finished cases: rated 1, 2, 4, 5 (void after appeal), one unrated.
      var cases: [Hall_Intake_V1_Case] = []
      for _ in 0..<5 { cases.append(try await fixture.finishedCase()) }
      for (kase, code) in zip(cases, [1, 2, 4, 5]) {
        _ = try await fixture.rate(
          kase.caseNumber, Hall_Rating_V1_Satisfaction(rawValue: code)!)
      }
      let voided = "\(cases[3].caseNumber)-R1"
      _ = try await fixture.rating.appealBadReview(
        .with {
          $0.requestID = "appeal"
          $0.id = voided
          $0.ground = .malicious
          $0.reason = "恶意"
        }, metadata: People.approver)
      _ = try await fixture.rating.decideAppeal(
        .with {
          $0.requestID = "uphold"
          $0.id = voided
          $0.uphold = true
          $0.reason = "属实"
        }, metadata: People.supervisor)
      _ = try await fixture.rating.recordMark(
        .with {
          $0.requestID = "mark"
          $0.mark = .with {
            $0.kind = .attitude
            $0.hallID = "hl-hall"
            $0.windowID = "W03"
            $0.staffID = "clerk-01"
            $0.departmentID = "scjg"
            $0.evidence = "投诉电话 12345-0001，录像已存档"
          }
        }, metadata: People.supervisor)
      await expectRefusal(.invalidArgument, field: "mark.evidence") {
        _ = try await fixture.rating.recordMark(
          .with {
            $0.requestID = "mark-without-evidence"
            $0.mark = .with {
              $0.kind = .environment
              $0.hallID = "hl-hall"
            }
          }, metadata: People.supervisor)
      }
      let today = fixture.hall.clock.today
      for grouping in [Hall_Rating_V1_FigureGrouping.department, .staff] {
        let figures = try await fixture.rating.getFigures(
          .with {
            $0.grouping = grouping
            $0.from = Days.proto(today)
            $0.to = Days.proto(today.adding(days: 1))
          }, metadata: People.supervisor)
        let row = try #require(figures.rows.first)
        #expect(figures.rows.count == 1)
        #expect(row.key == (grouping == .department ? "scjg" : "clerk-01"))
        // 5 finished; 3 valid ratings (1, 2, 4); 2 good, 1 bad.
        #expect(row.finishedCases == 5 && row.ratings == 3)
        #expect(row.goodRatings == 2 && row.badRatings == 1)
        #expect(row.satisfactionRateBp == 6667 && row.activeRatingRateBp == 6000)
        #expect(row.linkedRatings == 3 && row.linkageCompletenessBp == 10_000)
        #expect(row.badMarks == 1)
        // The bad reviews are due in 15 working days, not today.
        #expect(row.badReviewsDue == 0 && row.onTimeRectificationRateBp == 10_000)
      }
    }
  }
}
