import Foundation
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// What rating knows of a case, from intake's feed.
struct RatedCase: Sendable {
  var caseNumber: String
  var applicantID: String
  var agentID: String
  var itemCode: String
  var departmentID: String
  var hallID: String
  var windowID: String
  var staffID: String
  /// In a state that can be rated (`isRateable`): delivered, denied or refused.
  var finished: Bool
}

/// A rating as it is asked for, by the applicant or by staff on an invitation.
struct RatingInput: Sendable {
  var satisfaction: Satisfaction
  var channel: RatingChannel
  var text: String
  var second: Bool
}

/// Who may rate what, and when (RAT-1): one rating per case, by that case's applicant, on a
/// finished case; a second evaluation beside it within a window opened by an anomaly
/// (SUP-5). A bad first rating (4, 5) opens the rectification loop (RAT-3).
enum Rateability {
  /// The channels an applicant rates through; phone and SMS ratings are staff's, on an
  /// invitation.
  static func checkApplicantChannel(_ channel: RatingChannel) throws(ServiceError) {
    switch channel {
    case .pc, .mobile, .qrCode, .windowDevice, .otherHallTerminal: return
    case .phone, .sms:
      throw .invalidArgument(
        field: "channel", message: "phone and SMS ratings are recorded by staff on an invitation")
    default:
      throw .invalidArgument(field: "channel", message: "is required")
    }
  }

  /// Only the case's applicant (or their agent) rates it.
  static func checkRater(_ subject: String, of kase: RatedCase) throws(ServiceError) {
    guard kase.applicantID == subject || kase.agentID == subject else {
      throw .permissionDenied("case \(kase.caseNumber) is not yours: only its applicant rates it")
    }
  }

  /// The rating's own fields, and the case's state.
  static func check(_ input: RatingInput, of kase: RatedCase) throws(ServiceError) {
    guard (1...5).contains(input.satisfaction.rawValue) else {
      throw .invalidArgument(
        field: "satisfaction", message: "must be a GB/T 39046 code, 1 (very satisfied) to 5")
    }
    guard input.text.count <= 500 else {
      throw .invalidArgument(field: "text", message: "is longer than 500 characters")
    }
    guard kase.finished else {
      throw .failedPrecondition(
        "case \(kase.caseNumber) is not finished: it can be rated once it is delivered, denied or refused"
      )
    }
  }

  /// The evaluation the rating is, 1 or 2, given the case's first rating if any.
  static func evaluation(second: Bool, first: RatingRecord?, caseNumber: String)
    throws(ServiceError) -> Int32
  {
    guard second else {
      guard first == nil else {
        throw .failedPrecondition(
          "case \(caseNumber) is already rated: one rating per case (RAT-1)")
      }
      return 1
    }
    guard first != nil else {
      throw .failedPrecondition("case \(caseNumber) has no first rating to evaluate again")
    }
    return 2
  }

  /// When the second-evaluation window opened: a bad first rating is an anomaly at once;
  /// supervision's anomalies on the case (overdue, fees…) arrive from its feed.
  static func secondEvaluationOpened(
    first: RatingRecord, latestAnomaly: Date?, caseNumber: String
  ) throws(ServiceError) -> Date {
    var opened: [Date] = []
    if isBad(first.satisfaction) { opened.append(first.time.date) }
    if let latestAnomaly { opened.append(latestAnomaly) }
    guard let since = opened.max() else {
      throw .failedPrecondition(
        "a second evaluation follows an anomaly; case \(caseNumber) has none")
    }
    return since
  }

  /// Whether an anomaly counts: one that stops counting (an upheld appeal, judged none,
  /// re-graded) no longer opens the window.
  static func opensSecondEvaluation(_ anomaly: Anomaly) -> Bool {
    switch anomaly.state {
    case .open, .appealed, .closed: true
    default: false
    }
  }

  /// Dissatisfied or very dissatisfied (4, 5).
  static func isBad(_ satisfaction: Satisfaction) -> Bool { satisfaction.rawValue >= 4 }

  /// A first rating that is bad opens the bad-review loop (RAT-3).
  static func opensBadReview(_ rating: RatingRecord) -> Bool {
    rating.evaluation == 1 && isBad(rating.satisfaction)
  }

  /// The rating record, tied to the case's item, department, window and staff (RAT-1).
  static func record(
    _ input: RatingInput, of kase: RatedCase, evaluation: Int32, region: String,
    recordedBy recorder: String, now: Date
  ) -> RatingRecord {
    .with {
      $0.id = "\(kase.caseNumber)-R\(evaluation)"
      $0.caseNumber = kase.caseNumber
      $0.itemCode = kase.itemCode
      $0.departmentID = kase.departmentID
      $0.hallID = kase.hallID
      $0.windowID = kase.windowID
      $0.staffID = kase.staffID
      $0.applicantID = kase.applicantID
      $0.satisfaction = input.satisfaction
      $0.channel = input.channel
      $0.text = input.text
      $0.time = .init(date: now)
      $0.evaluation = evaluation
      $0.regionCode = region
      $0.recordedBy = recorder
    }
  }
}

extension RatingRules {
  /// Refuses a second evaluation after its window: this many working days from `since`.
  func checkSecondEvaluation(
    openedAt since: Date, now: Date, calendar: WorkingCalendar, caseNumber: String
  ) throws {
    let until = try calendar.dueTime(after: secondEvaluationWorkingDays, from: since)
    guard now <= until else {
      throw ServiceError.failedPrecondition(
        "the second evaluation of case \(caseNumber) was open until \(until) (\(secondEvaluationWorkingDays) working days)"
      )
    }
  }
}
