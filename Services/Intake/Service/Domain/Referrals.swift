import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Cases passed between the deployments of a network [报批件、办件传递] (FED-4): a district
/// passes a case up to its city, which takes it as a case of its own, decides it and sends the
/// decision back; the district then issues and delivers at its own window. Each leg has its
/// limit in working days (seed 003: 上报件时限为3个工作日，接到上级批复后2日内办), so that
/// both supervisions see a leg that runs late.
enum Referrals {
  /// The level above's limit for its reply.
  static let replyWorkingDays: Int32 = 3
  /// The district's limit, from the reply, for the issue and delivery.
  static let afterReplyWorkingDays: Int32 = 2
  /// The city's reply, addressed to the district's region alone (``Outbox/Entry/audience``).
  static let replyEventType = "intake.referral.replied"

  /// The contract's level of a deployment's.
  static func level(_ level: DeploymentIdentity.Level) -> AdministrativeLevel {
    switch level {
    case .province: .provincial
    case .city: .city
    case .district: .county
    case .township: .township
    }
  }

  /// Passed up to the deployment above, which is to reply within its limit; the case stays
  /// open here.
  static func passUp(
    _ kase: inout Case, to city: DeploymentIdentity.Neighbour, now: Date,
    calendar: WorkingCalendar
  ) throws -> CaseStep {
    kase.state = .passedUp
    kase.passedTo = .with {
      $0.deployment = city.name
      $0.regionCode = city.regionCode
    }
    kase.deadline = try leg(of: replyWorkingDays, from: now, calendar: calendar)
    return CaseStep(.passedUp, note: "\(city.name): \(kase.escalation.reason)")
  }

  /// The city's own case for one `district` passed up: the city's version of the item, the
  /// materials as the district checked them and the district's history, accepted at once
  /// (the district accepted it), with the reply's limit.
  static func take(
    _ passed: Case, from district: DeploymentIdentity.Neighbour, version: ItemVersion,
    caseNumber: String, now: Date, calendar: WorkingCalendar
  ) throws -> (Case, CaseStep) {
    var kase = Case.with {
      $0.caseNumber = caseNumber
      $0.itemCode = version.itemCode
      $0.channel = passed.channel
      $0.applicant = passed.applicant
      if passed.hasAgent { $0.agent = passed.agent }
      $0.form = passed.form
      $0.delivery = passed.delivery
      $0.state = .accepted
      $0.receiveTime = .init(date: now)
      $0.acceptTime = .init(date: now)
      $0.receivedBy = district.name
      $0.acceptedBy = district.name
      $0.escalation = passed.escalation
      $0.timeline = passed.timeline
      $0.passedFrom = .with {
        $0.deployment = district.name
        $0.regionCode = district.regionCode
        $0.caseNumber = passed.caseNumber
      }
    }
    Acceptance.adopt(version, into: &kase, provided: [])
    kase.materials = passed.materials
    kase.category = .escalated
    kase.deadline = try leg(of: replyWorkingDays, from: now, calendar: calendar)
    let note = "passed up by \(district.name) as \(passed.caseNumber): \(passed.escalation.reason)"
    return (kase, CaseStep(.receivedFromBelow, note: note))
  }

  /// The reply to the deployment below, once a case it passed up is finished here by `step`
  /// (decided, or withdrawn): the case as it is, for that deployment's region alone.
  static func reply(to kase: Case, wasFinal: Bool, at now: Date) -> Outbox.Entry? {
    guard kase.hasPassedFrom, kase.state.isFinal, !wasFinal else { return nil }
    return Outbox.Entry(
      type: replyEventType, aggregateID: kase.passedFrom.caseNumber, payload: kase, at: now,
      audience: kase.passedFrom.regionCode)
  }

  /// The reply when the city cannot take a case at all (its item is not in force in the
  /// city's catalog): nothing is stored here, and the district hears why.
  static func refusal(
    of passed: Case, from district: DeploymentIdentity.Neighbour, detail: String, now: Date
  ) -> Outbox.Entry {
    let kase = Case.with {
      $0.itemCode = passed.itemCode
      $0.state = .refused
      $0.refusal = .with {
        $0.reason = .outsideJurisdiction
        $0.detail = detail
        $0.time = .init(date: now)
        $0.refusedBy = "system"
      }
      $0.passedFrom = .with {
        $0.deployment = district.name
        $0.regionCode = district.regionCode
        $0.caseNumber = passed.caseNumber
      }
    }
    return Outbox.Entry(
      type: replyEventType, aggregateID: passed.caseNumber, payload: kase, at: now,
      audience: district.regionCode)
  }

  /// The city's reply, into the case passed up: approved, the issue and delivery here within
  /// their limit; denied, final with the city's reason; not taken, back to review here.
  static func receive(_ reply: Case, into kase: inout Case, now: Date, calendar: WorkingCalendar)
    throws -> CaseStep
  {
    let city = kase.passedTo.deployment
    kase.passedTo.caseNumber = reply.caseNumber
    switch reply.state {
    case .replied, .denied:
      kase.decision = reply.decision
      kase.decision.decidedBy = "\(city):\(reply.decision.decidedBy)"
      if reply.decision.approved {
        kase.state = .approved
        kase.deadline = try leg(of: afterReplyWorkingDays, from: now, calendar: calendar)
        return CaseStep(.replied, note: "approved by \(city) (case \(reply.caseNumber))")
      }
      kase.state = .denied
      kase.finishTime = .init(date: now)
      return CaseStep(
        .replied, note: "denied by \(city) (case \(reply.caseNumber)): \(reply.decision.reason)")
    case .refused:
      // Back here to decide, or to pass elsewhere: it is no longer the city's.
      kase.state = .inReview
      kase.clearPassedTo()
      return CaseStep(.replied, note: "\(city) did not take the case: \(reply.refusal.detail)")
    default:
      throw ServiceError.failedPrecondition(
        "the reply of \(city) to case \(kase.caseNumber) is in state \(reply.state), not a decision"
      )
    }
  }

  /// A leg's deadline: `days` working days from `start`.
  private static func leg(of days: Int32, from start: Date, calendar: WorkingCalendar) throws
    -> Deadline
  {
    try DeadlineClock.start(at: start, budget: days, statutory: days, calendar: calendar)
  }
}
