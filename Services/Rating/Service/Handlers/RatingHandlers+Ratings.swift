import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// Ratings (RAT-1): one per case, by that case's applicant, on a finished case; a second
/// evaluation beside it within 10 working days of an anomaly (SUP-5). A bad rating (4, 5)
/// opens the rectification loop in the same transaction (RAT-3).
extension RatingHandlers {
  func submitRating(
    request: SubmitRatingRequest, context: ServerContext
  ) async throws -> RatingRecord {
    let caller = try Caller.required()
    try Rateability.checkApplicantChannel(request.channel)
    let input = RatingInput(
      satisfaction: request.satisfaction, channel: request.channel, text: request.text,
      second: request.secondEvaluation)
    return try await service.change(request.requestID, context) { db in
      let kase = try await IntakeReplica(db: db).ratedCase(request.caseNumber)
      try Rateability.checkRater(caller.subject, of: kase)
      let given = try await give(input, for: kase, by: caller.subject, on: db)
      return try await given.writes.change(given.rating, on: db)
    }
  }

  func listRatings(
    request: ListRatingsRequest, context: ServerContext
  ) async throws -> ListRatingsResponse {
    let caller = try Caller.required()
    let page = try PageRequest(size: request.pageSize, token: request.pageToken)
    let (department, applicant) = try Visibility.ratings(asked: request.departmentID, by: caller)
    let found = try await service.read { db in
      try await RatingStore(db: db).list(
        caseNumber: request.caseNumber, department: department, applicant: applicant, page: page)
    }
    return .with {
      $0.ratings = found.records.map { Visibility.shown($0, to: caller) }
      $0.nextPageToken = found.nextToken
    }
  }

  /// A rating recorded, and what it changed beside itself: the case's invitation answered,
  /// a bad review opened.
  struct Given {
    var rating: RatingRecord
    var invitation: Invitation?
    var writes = Writes()
  }

  /// Records a rating of `kase` after every check; shared by applicants and invitations.
  func give(
    _ input: RatingInput, for kase: RatedCase, by recorder: String, on db: Database
  ) async throws -> Given {
    try Rateability.check(input, of: kase)
    let now = service.clock.now
    let ratings = RatingStore(db: db)
    let first = try await ratings.first(of: kase.caseNumber)
    let evaluation = try Rateability.evaluation(
      second: input.second, first: first, caseNumber: kase.caseNumber)
    if let first, evaluation == 2 {
      try await checkSecondEvaluation(after: first, now: now, on: db)
    }
    let rating = Rateability.record(
      input, of: kase, evaluation: evaluation, region: regionCode, recordedBy: recorder, now: now)
    guard try await ratings.insert(rating) else {
      throw ServiceError.failedPrecondition("case \(kase.caseNumber) is already rated")
    }
    var given = Given(rating: rating)
    given.writes.add(nil, .ratingGiven, about: kase.caseNumber, rating, at: now)
    if var invitation = try await InvitationStore(db: db).lockOpen(ofCase: kase.caseNumber) {
      Invitations.answer(&invitation, by: rating)
      given.writes.add(
        try InvitationStore.update(invitation), .invitationWorked, about: kase.caseNumber,
        invitation, at: now)
      given.invitation = invitation
    }
    if Rateability.opensBadReview(rating) {
      let review = try BadReviewLoop.open(
        for: rating, now: now, calendar: try await service.calendar(on: db), rules: rules,
        by: Caller.actor)
      given.writes.add(
        try BadReviewStore.insert(review), .badReview(.assigned),
        about: kase.caseNumber, review, at: now)
    }
    return given
  }

  /// Refuses a second evaluation outside its window, which an anomaly opens: the bad first
  /// rating itself, or supervision's latest on the case.
  private func checkSecondEvaluation(
    after first: RatingRecord, now: Date, on db: Database
  ) async throws {
    let caseNumber = first.caseNumber
    let anomaly = try await SupervisionReplica(db: db).latestAnomaly(on: caseNumber)
    let since = try Rateability.secondEvaluationOpened(
      first: first, latestAnomaly: anomaly, caseNumber: caseNumber)
    try rules.checkSecondEvaluation(
      openedAt: since, now: now, calendar: try await service.calendar(on: db),
      caseNumber: caseNumber)
  }
}
