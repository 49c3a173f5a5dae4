import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// The bad-review loop (RAT-3) [谁办理、谁负责]: the department that handled the case visits
/// the applicant back, classifies, rectifies; the supervising body checks the quality (a
/// failed check sends it back); the department gives feedback and the loop closes. Each
/// step in its order, with working-day deadlines and their on-time status. A department may
/// appeal a review as mistaken or malicious; an upheld appeal voids it.
extension RatingRPC {
  func openBadReview(
    for rating: Hall_Rating_V1_Rating, now: Date, on connection: PostgresConnection
  ) async throws {
    let calendar = try await calendars.calendar(on: connection, logger: logger)
    let returnVisitDue = try calendar.dueTime(after: policy.returnVisitWorkingDays, from: now)
    let rectificationDue = try calendar.dueTime(after: policy.rectificationWorkingDays, from: now)
    var review = Hall_Rating_V1_BadReview.with {
      $0.id = rating.id
      $0.rating = rating
      $0.departmentID = rating.departmentID
      $0.state = .assigned
      $0.returnVisitDue = .init(date: returnVisitDue)
      $0.rectificationDue = .init(date: rectificationDue)
    }
    try await record(
      &review, "assigned", note: "to \(rating.departmentID)", isNew: true, on: connection)
  }

  func getBadReview(
    request: Hall_Rating_V1_GetBadReviewRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    let review = try await db.withConnection { connection in
      try await lock(request.id, forUpdate: false, on: connection)
    }
    try requireDepartmentOrSupervisor(review)
    return review
  }

  func listBadReviews(
    request: Hall_Rating_V1_ListBadReviewsRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_ListBadReviewsResponse {
    let principal = try Self.caller
    var department = request.departmentID
    if principal.role != .supervisor {
      guard department.isEmpty || department == principal.departmentID else {
        throw ServiceError.permissionDenied("you see your own department's bad reviews")
      }
      department = principal.departmentID ?? "-"
    }
    let size = try Paging.size(request.pageSize, default: 100, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let rows = try await db.query(
      """
      SELECT id, body FROM bad_reviews
      WHERE id > \(after) AND (\(department) = '' OR department_id = \(department))
        AND (NOT \(request.openOnly) OR open)
      ORDER BY id LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Rating_V1_ListBadReviewsResponse()
    for row in rows.prefix(size) {
      var review = try Hall_Rating_V1_BadReview(bytea: try row.decode((String, ByteBuffer).self).1)
      review.rating.applicantID = Masking.identifier(review.rating.applicantID)
      response.badReviews.append(review)
    }
    if rows.count > size {
      response.nextPageToken = Paging.token(after: response.badReviews.last?.id)
    }
    return response
  }

  func recordReturnVisit(
    request: Hall_Rating_V1_RecordReturnVisitRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    try Text.require(request.note, field: "note", max: 1000)
    return try await step(request.requestID, "RecordReturnVisit", request.id) { review, now, _ in
      try requireDepartment(review)
      try requireState(review, [.assigned], "record the return visit")
      review.returnVisitTime = .init(date: now)
      review.returnVisitNote = request.note
      review.returnVisitOnTime = now <= review.returnVisitDue.date
      review.state = .returnVisited
      return ("return_visited", request.note)
    }
  }

  func classifyBadReview(
    request: Hall_Rating_V1_ClassifyBadReviewRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    switch request.class {
    case .fixAtOnce, .explain:
      guard request.ledgerWorkingDays == 0 else {
        throw ServiceError.invalidArgument(
          field: "ledger_working_days", message: "only a LEDGER classification has a deadline")
      }
    case .ledger:
      guard request.ledgerWorkingDays >= 1 else {
        throw ServiceError.invalidArgument(
          field: "ledger_working_days", message: "a LEDGER classification needs a deadline")
      }
    default:
      throw ServiceError.invalidArgument(
        field: "class", message: "must be FIX_AT_ONCE, LEDGER or EXPLAIN")
    }
    return try await step(request.requestID, "ClassifyBadReview", request.id) {
      review, now, connection in
      try requireDepartment(review)
      try requireState(review, [.returnVisited], "classify")
      if request.class == .ledger {
        let calendar = try await calendars.calendar(on: connection, logger: logger)
        let deadline = try calendar.dueTime(
          after: Int(request.ledgerWorkingDays), from: now)
        guard deadline <= review.rectificationDue.date else {
          throw ServiceError.invalidArgument(
            field: "ledger_working_days",
            message:
              "the ledger deadline may not fall after the loop's (\(review.rectificationDue.date))")
        }
        review.ledgerDeadline = .init(date: deadline)
      }
      review.class = request.class
      review.state = .classified
      return ("classified", "\(request.class)")
    }
  }

  func recordRectification(
    request: Hall_Rating_V1_RecordRectificationRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    let record = request.rectification
    try Text.require(record.investigation, field: "rectification.investigation", max: 2000)
    try Text.require(record.handling, field: "rectification.handling", max: 2000)
    try Text.require(record.measures, field: "rectification.measures", max: 2000)
    try Text.require(record.result, field: "rectification.result", max: 2000)
    return try await step(request.requestID, "RecordRectification", request.id) {
      review, now, _ in
      let principal = try requireDepartment(review)
      try requireState(review, [.classified], "record the rectification")
      review.rectification = record
      review.rectification.time = .init(date: now)
      review.rectification.recordedBy = principal.subject
      review.state = .rectified
      return ("rectified", record.result)
    }
  }

  func checkRectification(
    request: Hall_Rating_V1_CheckRectificationRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    if !request.passed { try Text.require(request.comment, field: "comment", max: 1000) }
    return try await step(request.requestID, "CheckRectification", request.id) { review, _, _ in
      try requireState(review, [.rectified], "check the rectification")
      if request.passed {
        review.state = .checked
        return ("quality_passed", request.comment)
      }
      review.qualityFailures += 1
      review.state = .classified
      return ("quality_failed", request.comment)
    }
  }

  func giveFeedback(
    request: Hall_Rating_V1_GiveFeedbackRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    try Text.require(request.feedback, field: "feedback", max: 2000)
    return try await step(request.requestID, "GiveFeedback", request.id) { review, now, _ in
      try requireDepartment(review)
      try requireState(review, [.checked], "give feedback")
      review.feedback = request.feedback
      review.closedTime = .init(date: now)
      review.closedOnTime = now <= review.rectificationDue.date
      review.state = .closed
      return ("feedback_given", request.feedback)
    }
  }

  func appealBadReview(
    request: Hall_Rating_V1_AppealBadReviewRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    guard request.ground == .mistaken || request.ground == .malicious else {
      throw ServiceError.invalidArgument(field: "ground", message: "must be MISTAKEN or MALICIOUS")
    }
    try Text.require(request.reason, field: "reason", max: 2000)
    return try await step(request.requestID, "AppealBadReview", request.id) { review, _, _ in
      try requireDepartment(review)
      try requireState(
        review, [.assigned, .returnVisited, .classified, .rectified, .checked], "appeal")
      guard review.appealGround == .unspecified else {
        throw ServiceError.failedPrecondition("bad review \(review.id) was already appealed once")
      }
      review.appealGround = request.ground
      review.appealReason = request.reason
      review.state = .appealed
      return ("appealed", request.reason)
    }
  }

  func decideAppeal(
    request: Hall_Rating_V1_DecideAppealRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_BadReview {
    try Text.require(request.reason, field: "reason", max: 2000)
    return try await step(request.requestID, "DecideAppeal", request.id) {
      review, _, _ in
      try requireState(review, [.appealed], "decide an appeal")
      if request.uphold {
        review.state = .void
        review.rating.void = true
        return ("appeal_upheld", request.reason)
      }
      // The loop goes on where the appeal interrupted it.
      review.state =
        review.history.last { $0.state != .appealed }?.state ?? .assigned
      return ("appeal_rejected", request.reason)
    }
  }

  // MARK: - Steps

  /// Loads and locks a review, applies `body`, records the step and its event.
  func step(
    _ requestID: String, _ method: String, _ id: String,
    _ body: (inout Hall_Rating_V1_BadReview, Date, PostgresConnection) async throws -> (
      String, String
    )
  ) async throws -> Hall_Rating_V1_BadReview {
    try await once(requestID, method) { connection in
      var review = try await lock(id, forUpdate: true, on: connection)
      let (action, note) = try await body(&review, clock.now, connection)
      try await record(&review, action, note: note, on: connection)
      if review.state == .void {
        try await connection.query(
          "UPDATE ratings SET void = true, body = \(try review.rating.bytea()) WHERE id = \(review.rating.id)",
          logger: logger)
      }
      return review
    }
  }

  func record(
    _ review: inout Hall_Rating_V1_BadReview, _ action: String, note: String,
    isNew: Bool = false, on connection: PostgresConnection
  ) async throws {
    let principal = Principal.current
    review.history.append(
      .with {
        $0.time = .init(date: clock.now)
        $0.action = action
        $0.state = review.state
        $0.actor = principal?.subject ?? "system"
        $0.note = note
      })
    let open = review.state != .closed && review.state != .void
    let closed: Date? = review.hasClosedTime ? review.closedTime.date : nil
    if isNew {
      try await connection.query(
        """
        INSERT INTO bad_reviews (id, department_id, state, open, rectification_due, closed_time,
          body)
        VALUES (\(review.id), \(review.departmentID), \(Int16(review.state.rawValue)), \(open),
          \(review.rectificationDue.date), \(closed), \(try review.bytea()))
        """, logger: logger)
    } else {
      try await connection.query(
        """
        UPDATE bad_reviews SET state = \(Int16(review.state.rawValue)), open = \(open),
          closed_time = \(closed), body = \(try review.bytea())
        WHERE id = \(review.id)
        """, logger: logger)
    }
    try await Outbox.append(
      type: "rating.bad_review.\(action)", aggregateID: review.rating.caseNumber,
      payload: review, at: clock.now, on: connection, logger: logger)
  }

  func lock(_ id: String, forUpdate: Bool, on connection: PostgresConnection) async throws
    -> Hall_Rating_V1_BadReview
  {
    guard !id.isEmpty else {
      throw ServiceError.invalidArgument(field: "id", message: "is required")
    }
    let rows = try await connection.query(
      forUpdate
        ? "SELECT body FROM bad_reviews WHERE id = \(id) FOR UPDATE"
        : "SELECT body FROM bad_reviews WHERE id = \(id)",
      logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("bad review \(id) does not exist")
    }
    return try Hall_Rating_V1_BadReview(bytea: try row.decode(ByteBuffer.self))
  }

  @discardableResult
  func requireDepartment(_ review: Hall_Rating_V1_BadReview) throws(ServiceError) -> Principal {
    let principal = try Self.caller
    guard principal.role == .approver || principal.role == .departmentAdmin,
      principal.departmentID == review.departmentID
    else {
      throw .permissionDenied(
        "bad review \(review.id) is handled by department \(review.departmentID)")
    }
    return principal
  }

  func requireDepartmentOrSupervisor(_ review: Hall_Rating_V1_BadReview) throws(ServiceError) {
    if try Self.caller.role == .supervisor { return }
    try requireDepartment(review)
  }

  func requireState(
    _ review: Hall_Rating_V1_BadReview, _ states: Set<Hall_Rating_V1_BadReviewState>,
    _ action: String
  ) throws(ServiceError) {
    guard states.contains(review.state) else {
      throw .failedPrecondition("cannot \(action): bad review \(review.id) is \(review.state)")
    }
  }
}
