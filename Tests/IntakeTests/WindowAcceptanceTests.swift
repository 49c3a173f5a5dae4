import Foundation
import GRPCCore
import HallCalendar
import HallContracts
import HallFixtures
import HallTestSupport
import SwiftProtobuf
import Testing

/// INT-3 at the window in one call [收件即受理]: SubmitCase with the clerk's decision receives
/// and decides the case in one transaction, exactly as SubmitCase then AcceptCase would.
@Suite("Acceptance at the window in one call")
struct WindowAcceptanceTests {
  @Test("received and accepted at once: both steps on the timeline and in the feed")
  func acceptedAtOnce() async throws {
    try await IntakeFixture.with { hall in
      let kase = try await hall.submit(decision: .init())
      #expect(kase.state == .accepted && kase.category == .promised)
      #expect(kase.acceptedBy == "clerk-01" && kase.acceptTime == kase.receiveTime)
      #expect(kase.timeline.map(\.action) == ["received", "accepted"])
      #expect(kase.timeline.map(\.state) == [.received, .accepted])
      let due = try WorkingCalendar.stateCouncil.dueTime(after: 5, from: kase.acceptTime.date)
      #expect(kase.deadline.dueTime.date == due)
      #expect(
        try await hall.events(of: kase.caseNumber) == [
          "intake.case.received", "intake.case.accepted",
        ])
      let stored = try await hall.get(kase.caseNumber, as: People.clerk)
      #expect(stored.state == .accepted && stored.timeline == kase.timeline)
    }
  }

  @Test("every decision AcceptCase takes: on the spot, correction notice, shortfall, refusal")
  func everyDecision() async throws {
    try await IntakeFixture.with { hall in
      let spot = try await hall.submit(
        item: IntakeFixture.spotItem, provided: ["s1"], decision: .init())
      #expect(spot.state == .approved && spot.decision.approved)
      #expect(spot.timeline.map(\.action) == ["received", "accepted", "decided"])

      let corrected = try await hall.submit(
        provided: ["m1"],
        decision: .with {
          $0.defects = [
            .with {
              $0.materialID = "m1"; $0.reason = "申请书未签字"
            }
          ]
        })
      #expect(corrected.state == .correctionRequested && !corrected.hasDeadline)
      #expect(corrected.correctionNotices.first?.items.map(\.materialID) == ["m1", "m3"])
      #expect(corrected.timeline.map(\.action) == ["received", "correction_requested"])

      let shortfall = try await hall.submit(
        provided: ["m1"], decision: .with { $0.shortfallCommitment = "本人承诺补交健康证明" })
      #expect(shortfall.state == .accepted && shortfall.shortfall.materialIds == ["m3"])

      let refused = try await hall.submit(
        decision: .with {
          $0.refusalReason = .outsideJurisdiction
          $0.refusalDetail = "经营场所不在本区"
        })
      #expect(refused.state == .refused && refused.refusal.reason == .outsideJurisdiction)
      #expect(try await hall.events(of: refused.caseNumber).last == "intake.case.refused")
    }
  }

  @Test("only a clerk decides; a bad decision stores nothing; a retry gets the first answer")
  func refusedAndRetried() async throws {
    try await IntakeFixture.with { hall in
      await expectRefusal(.permissionDenied, containing: "clerk") {
        _ = try await hall.submit(as: People.zhang, channel: .pc, decision: .init())
      }
      await expectRefusal(.invalidArgument, field: "defects[1].material_id") {
        _ = try await hall.submit(
          decision: .with {
            $0.defects = [
              .with {
                $0.materialID = "m1"; $0.reason = "不清晰"
              },
              .with {
                $0.materialID = "m1"; $0.reason = "未签字"
              },
            ]
          })
      }
      await expectRefusal(.invalidArgument, field: "defects", containing: "m4") {
        _ = try await hall.submit(
          decision: .with {
            $0.defects = [
              .with {
                $0.materialID = "m4"; $0.reason = "不清晰"
              }
            ]
          })
      }
      // A channel the item's guide does not offer is refused (CAT-2), the courier taken where
      // the window is.
      await expectRefusal(.failedPrecondition, containing: "not offered on the selfService") {
        _ = try await hall.submit(as: People.zhang, channel: .selfService)
      }
      #expect(try await hall.count("cases") == 0)
      #expect(try await hall.count("outbox WHERE event_type LIKE 'intake.case.%'") == 0)

      let first = try await hall.submit(request: "window-once", decision: .init())
      let again = try await hall.submit(request: "window-once", decision: .init())
      #expect(first == again)
      #expect(try await hall.count("cases") == 1)
      #expect(try await hall.count("request_log WHERE request_id = 'window-once'") == 1)
      // A request id is its caller's own (REL-1, SEC-1): another hall's clerk sending the same
      // id makes a request of their own and never sees the first case, resident id and all.
      let other = try await hall.submit(
        as: People.otherHallClerk, request: "window-once", decision: .init())
      #expect(other.caseNumber != first.caseNumber && other.hallID == "other-hall")
      #expect(try await hall.count("cases") == 2)
      #expect(try await hall.submit(request: "window-once", decision: .init()) == first)
      await expectRefusal(.invalidArgument, field: "request_id", containing: "SubmitCase") {
        _ = try await hall.intake.acceptCase(
          .with {
            $0.requestID = "window-once"
            $0.caseNumber = first.caseNumber
          }, metadata: People.clerk)
      }
    }
  }
}
