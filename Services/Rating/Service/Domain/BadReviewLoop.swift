import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// The bad-review loop (RAT-3) [谁办理、谁负责]: the department that handled the case visits
/// the applicant back, classifies, rectifies; the supervising body checks the quality (a
/// failed check sends it back); the department gives feedback and the loop closes. Each
/// step in its order, with working-day deadlines and their on-time status. A department may
/// appeal a review as mistaken or malicious; an upheld appeal voids it.
enum BadReviewLoop {
  /// A step of the loop, with what its request carries.
  enum Step: Sendable {
    case returnVisit(note: String)
    case classify(BadReviewClass, ledgerWorkingDays: Int32)
    case rectify(Rectification)
    case checkQuality(passed: Bool, comment: String)
    case giveFeedback(String)
    case appeal(AppealGround, reason: String)
    case decideAppeal(uphold: Bool, reason: String)
  }

  /// The review a bad first rating opens, assigned to the department that handled the case,
  /// with its return-visit and rectification deadlines.
  static func open(
    for rating: RatingRecord, now: Date, calendar: WorkingCalendar, rules: RatingRules,
    by actor: String
  ) throws -> BadReview {
    var review = try BadReview.with {
      $0.id = rating.id
      $0.rating = rating
      $0.departmentID = rating.departmentID
      $0.state = .assigned
      $0.returnVisitDue = .init(
        date: try calendar.dueTime(after: rules.returnVisitWorkingDays, from: now))
      $0.rectificationDue = .init(
        date: try calendar.dueTime(after: rules.rectificationWorkingDays, from: now))
    }
    trace(&review, .assigned, note: "to \(rating.departmentID)", by: actor, now: now)
    return review
  }

  /// Refuses a step out of its order, or taken by anyone but the handling department where
  /// the step is the department's.
  static func check(_ step: Step, on review: BadReview, by caller: Principal) throws(ServiceError) {
    if step.isDepartments { try checkHandler(caller, of: review) }
    let (states, doing) = step.start
    guard states.contains(review.state) else {
      throw .failedPrecondition("cannot \(doing): bad review \(review.id) is \(review.state)")
    }
  }

  /// Takes a checked `step` at `now` and appends it to the history.
  /// - Parameter ledgerDeadline: for a LEDGER classification, its working days counted from
  ///   `now` (``Step/ledgerWorkingDays``).
  static func take(
    _ step: Step, on review: inout BadReview, by actor: String, now: Date, ledgerDeadline: Date?
  ) throws(ServiceError) -> BadReviewAction {
    let (action, note) = try change(
      &review, step, by: actor, now: now, ledgerDeadline: ledgerDeadline)
    trace(&review, action, note: note, by: actor, now: now)
    return action
  }

  /// The department's staff who handle the review; the supervising body reads any.
  static func checkReader(_ caller: Principal, of review: BadReview) throws(ServiceError) {
    if caller.role == .supervisor { return }
    try checkHandler(caller, of: review)
  }

  private static func checkHandler(_ caller: Principal, of review: BadReview) throws(ServiceError) {
    guard caller.role == .approver || caller.role == .departmentAdmin,
      caller.departmentID == review.departmentID
    else {
      throw .permissionDenied(
        "bad review \(review.id) is handled by department \(review.departmentID)")
    }
  }

  private static func trace(
    _ review: inout BadReview, _ action: BadReviewAction, note: String, by actor: String,
    now: Date
  ) {
    review.history.append(
      .with {
        $0.time = .init(date: now)
        $0.action = action.rawValue
        $0.state = review.state
        $0.actor = actor
        $0.note = note
      })
  }

  // MARK: - The steps' changes

  private static func change(
    _ review: inout BadReview, _ step: Step, by actor: String, now: Date, ledgerDeadline: Date?
  ) throws(ServiceError) -> (BadReviewAction, String) {
    switch step {
    case .returnVisit(let note):
      review.returnVisitTime = .init(date: now)
      review.returnVisitNote = note
      review.returnVisitOnTime = now <= review.returnVisitDue.date
      review.state = .returnVisited
      return (.returnVisited, note)
    case .classify(let kind, _):
      try classify(&review, kind, ledgerDeadline: ledgerDeadline)
      return (.classified, "\(kind)")
    case .rectify(let record):
      review.rectification = record
      review.rectification.time = .init(date: now)
      review.rectification.recordedBy = actor
      review.state = .rectified
      return (.rectified, record.result)
    case .checkQuality(let passed, let comment):
      return (checkQuality(&review, passed: passed), comment)
    case .giveFeedback(let feedback):
      review.feedback = feedback
      review.closedTime = .init(date: now)
      review.closedOnTime = now <= review.rectificationDue.date
      review.state = .closed
      return (.feedbackGiven, feedback)
    case .appeal(let ground, let reason):
      try appeal(&review, ground, reason: reason)
      return (.appealed, reason)
    case .decideAppeal(let uphold, let reason):
      decideAppeal(&review, uphold: uphold)
      return (uphold ? .appealUpheld : .appealRejected, reason)
    }
  }

  private static func classify(
    _ review: inout BadReview, _ kind: BadReviewClass, ledgerDeadline: Date?
  ) throws(ServiceError) {
    if kind == .ledger, let deadline = ledgerDeadline {
      guard deadline <= review.rectificationDue.date else {
        throw .invalidArgument(
          field: "ledger_working_days",
          message:
            "the ledger deadline may not fall after the loop's (\(review.rectificationDue.date))")
      }
      review.ledgerDeadline = .init(date: deadline)
    }
    review.class = kind
    review.state = .classified
  }

  private static func appeal(_ review: inout BadReview, _ ground: AppealGround, reason: String)
    throws(ServiceError)
  {
    guard review.appealGround == .unspecified else {
      throw .failedPrecondition("bad review \(review.id) was already appealed once")
    }
    review.appealGround = ground
    review.appealReason = reason
    review.state = .appealed
  }

  /// A passed check lets the department give feedback; a failed one sends the review back
  /// to be rectified again.
  private static func checkQuality(_ review: inout BadReview, passed: Bool) -> BadReviewAction {
    guard passed else {
      review.qualityFailures += 1
      review.state = .classified
      return .qualityFailed
    }
    review.state = .checked
    return .qualityPassed
  }

  /// An upheld appeal voids the review and its rating; a rejected one resumes the loop
  /// where the appeal interrupted it.
  private static func decideAppeal(_ review: inout BadReview, uphold: Bool) {
    if uphold {
      review.state = .void
      review.rating.void = true
    } else {
      review.state = review.history.last { $0.state != .appealed }?.state ?? .assigned
    }
  }
}

extension BadReviewLoop.Step {
  /// Checks the request's own fields, before anything is read.
  func validate() throws(ServiceError) {
    switch self {
    case .returnVisit(let note): try Text.require(note, field: "note", max: 1000)
    case .classify(let kind, let days): try Self.validate(kind, ledgerWorkingDays: days)
    case .rectify(let record):
      try Text.require(record.investigation, field: "rectification.investigation", max: 2000)
      try Text.require(record.handling, field: "rectification.handling", max: 2000)
      try Text.require(record.measures, field: "rectification.measures", max: 2000)
      try Text.require(record.result, field: "rectification.result", max: 2000)
    case .checkQuality(let passed, let comment):
      if !passed { try Text.require(comment, field: "comment", max: 1000) }
    case .giveFeedback(let feedback): try Text.require(feedback, field: "feedback", max: 2000)
    case .appeal(let ground, let reason):
      guard ground == .mistaken || ground == .malicious else {
        throw .invalidArgument(field: "ground", message: "must be MISTAKEN or MALICIOUS")
      }
      try Text.require(reason, field: "reason", max: 2000)
    case .decideAppeal(_, let reason): try Text.require(reason, field: "reason", max: 2000)
    }
  }

  private static func validate(_ kind: BadReviewClass, ledgerWorkingDays days: Int32)
    throws(ServiceError)
  {
    switch kind {
    case .fixAtOnce, .explain:
      guard days == 0 else {
        throw .invalidArgument(
          field: "ledger_working_days", message: "only a LEDGER classification has a deadline")
      }
    case .ledger:
      guard days >= 1 else {
        throw .invalidArgument(
          field: "ledger_working_days", message: "a LEDGER classification needs a deadline")
      }
    default:
      throw .invalidArgument(field: "class", message: "must be FIX_AT_ONCE, LEDGER or EXPLAIN")
    }
  }

  /// The working days of a LEDGER classification's deadline, counted on the calendar.
  var ledgerWorkingDays: Int? {
    guard case .classify(.ledger, let days) = self else { return nil }
    return Int(days)
  }

  /// The department's steps; the supervising body checks quality and decides appeals.
  var isDepartments: Bool {
    switch self {
    case .checkQuality, .decideAppeal: false
    default: true
    }
  }

  /// The states the step starts from, and what it does in a refusal's words.
  var start: (states: Set<BadReviewState>, doing: String) {
    switch self {
    case .returnVisit: ([.assigned], "record the return visit")
    case .classify: ([.returnVisited], "classify")
    case .rectify: ([.classified], "record the rectification")
    case .checkQuality: ([.rectified], "check the rectification")
    case .giveFeedback: ([.checked], "give feedback")
    case .appeal: ([.assigned, .returnVisited, .classified, .rectified, .checked], "appeal")
    case .decideAppeal: ([.appealed], "decide an appeal")
    }
  }
}
