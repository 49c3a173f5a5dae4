import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// The bad-review loop (RAT-3, ``BadReviewLoop``): each step a call of the handling
/// department or of the supervising body, taken as one idempotent change.
extension RatingHandlers {
  func getBadReview(
    request: GetBadReviewRequest, context: ServerContext
  ) async throws -> BadReview {
    let review = try await service.read { db in
      try await BadReviewStore(db: db).read(request.id, locking: false)
    }
    try BadReviewLoop.checkReader(try Caller.required(), of: review)
    return review
  }

  func listBadReviews(
    request: ListBadReviewsRequest, context: ServerContext
  ) async throws -> ListBadReviewsResponse {
    let department = try Visibility.badReviews(
      asked: request.departmentID, by: try Caller.required())
    let page = try PageRequest(size: request.pageSize, token: request.pageToken)
    let found = try await service.read { db in
      try await BadReviewStore(db: db).list(
        department: department, openOnly: request.openOnly, page: page)
    }
    return .with {
      $0.badReviews = found.records.map(Visibility.listed)
      $0.nextPageToken = found.nextToken
    }
  }

  func recordReturnVisit(
    request: RecordReturnVisitRequest, context: ServerContext
  ) async throws -> BadReview {
    try await take(.returnVisit(note: request.note), on: request.id, request.requestID, context)
  }

  func classifyBadReview(
    request: ClassifyBadReviewRequest, context: ServerContext
  ) async throws -> BadReview {
    try await take(
      .classify(request.class, ledgerWorkingDays: request.ledgerWorkingDays), on: request.id,
      request.requestID, context)
  }

  func recordRectification(
    request: RecordRectificationRequest, context: ServerContext
  ) async throws -> BadReview {
    try await take(.rectify(request.rectification), on: request.id, request.requestID, context)
  }

  func checkRectification(
    request: CheckRectificationRequest, context: ServerContext
  ) async throws -> BadReview {
    try await take(
      .checkQuality(passed: request.passed, comment: request.comment), on: request.id,
      request.requestID, context)
  }

  func giveFeedback(
    request: GiveFeedbackRequest, context: ServerContext
  ) async throws -> BadReview {
    try await take(.giveFeedback(request.feedback), on: request.id, request.requestID, context)
  }

  func appealBadReview(
    request: AppealBadReviewRequest, context: ServerContext
  ) async throws -> BadReview {
    try await take(
      .appeal(request.ground, reason: request.reason), on: request.id, request.requestID, context)
  }

  func decideAppeal(
    request: DecideAppealRequest, context: ServerContext
  ) async throws -> BadReview {
    try await take(
      .decideAppeal(uphold: request.uphold, reason: request.reason), on: request.id,
      request.requestID, context)
  }

  /// Every step the same way: the request's fields checked; then, once per request id, the
  /// review locked, the step checked against who asks and where the review stands, taken,
  /// and the review stored with its event. An upheld appeal voids the rating with it.
  private func take(
    _ step: BadReviewLoop.Step, on id: String, _ requestID: String, _ context: ServerContext
  ) async throws -> BadReview {
    try step.validate()
    return try await service.change(requestID, context) { db in
      var review = try await BadReviewStore(db: db).read(id, locking: true)
      let caller = try Caller.required()
      try BadReviewLoop.check(step, on: review, by: caller)
      let now = service.clock.now
      var ledgerDeadline: Date?
      if let days = step.ledgerWorkingDays {
        ledgerDeadline = try await service.calendar(on: db).dueTime(after: days, from: now)
      }
      let action = try BadReviewLoop.take(
        step, on: &review, by: caller.subject, now: now, ledgerDeadline: ledgerDeadline)
      var writes = Writes()
      if review.state == .void { writes.add(try RatingStore.voiding(review.rating)) }
      writes.add(
        try BadReviewStore.update(review), .badReview(action), about: review.rating.caseNumber,
        review,
        at: now)
      return try await writes.change(review, on: db)
    }
  }
}
