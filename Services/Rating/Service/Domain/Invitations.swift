import Foundation
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Invitations to rate (RAT-2): created when a case finishes unrated, on the list from the
/// next working day, due by the fifth; a rating by any channel closes them. Staff work them
/// by phone or SMS.
enum Invitations {
  /// The invitation of a case that finished unrated, with its first and last days on the list.
  static func invitation(
    for kase: IntakeCase, calendar: WorkingCalendar, rules: RatingRules
  ) throws -> (invitation: Invitation, available: CivilDate, due: CivilDate) {
    let finished = kase.finishTime.date
    let available = calendar.nextWorkingDay(after: Days.today(now: finished))
    let due = Days.today(
      now: try calendar.dueTime(after: rules.invitationWorkingDays, from: finished))
    let invitation = Invitation.with {
      $0.id = "\(kase.caseNumber)-INV"
      $0.caseNumber = kase.caseNumber
      $0.departmentID = kase.departmentID
      $0.hallID = kase.hallID
      $0.caseFinishTime = kase.finishTime
      $0.availableFrom = Days.proto(available)
      $0.dueBy = Days.proto(due)
    }
    return (invitation, available, due)
  }

  /// The request's own fields: the channel staff reached the applicant by, and the outcome.
  static func checkOutcome(_ outcome: InvitationOutcome, channel: RatingChannel)
    throws(ServiceError)
  {
    guard channel == .phone || channel == .sms else {
      throw .invalidArgument(field: "channel", message: "must be PHONE or SMS")
    }
    switch outcome {
    case .rated, .declined, .unreachable: return
    default:
      throw .invalidArgument(field: "outcome", message: "must be RATED, DECLINED or UNREACHABLE")
    }
  }

  /// An invitation is worked once.
  static func checkUnworked(_ invitation: Invitation) throws(ServiceError) {
    guard !invitation.hasWorkedTime else {
      throw .failedPrecondition(
        "invitation \(invitation.id) is already worked (\(invitation.outcome))")
    }
  }

  /// Records how staff worked the invitation.
  static func work(
    _ invitation: inout Invitation, outcome: InvitationOutcome, channel: RatingChannel,
    note: String, by worker: String, now: Date
  ) {
    invitation.outcome = outcome
    invitation.channel = channel
    invitation.workedTime = .init(date: now)
    invitation.workedBy = worker
    invitation.note = note
  }

  /// A rating, by whatever channel, answers the case's invitation.
  static func answer(_ invitation: inout Invitation, by rating: RatingRecord) {
    invitation.outcome = .rated
    invitation.channel = rating.channel
    invitation.workedTime = rating.time
    invitation.workedBy = rating.recordedBy
  }
}
