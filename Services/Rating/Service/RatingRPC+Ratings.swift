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

/// Ratings (RAT-1): one per case, by that case's applicant, on a finished case; a second
/// evaluation beside it within 10 working days of an anomaly (SUP-5). A bad rating (4, 5)
/// opens the rectification loop in the same transaction (RAT-3).
extension RatingRPC {
  func submitRating(
    request: Hall_Rating_V1_SubmitRatingRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_Rating {
    let principal = try Self.caller
    switch request.channel {
    case .pc, .mobile, .qrCode, .windowDevice, .otherHallTerminal: break
    case .phone, .sms:
      throw ServiceError.invalidArgument(
        field: "channel", message: "phone and SMS ratings are recorded by staff on an invitation")
    default:
      throw ServiceError.invalidArgument(field: "channel", message: "is required")
    }
    return try await once(request.requestID, "SubmitRating") { connection in
      let kase = try await RatedCase.load(request.caseNumber, on: connection, logger: logger)
      guard kase.applicantID == principal.subject || kase.agentID == principal.subject else {
        throw ServiceError.permissionDenied(
          "case \(request.caseNumber) is not yours: only its applicant rates it")
      }
      return try await give(
        request.satisfaction, channel: request.channel, text: request.text,
        second: request.secondEvaluation, for: kase, by: principal.subject, on: connection)
    }
  }

  /// Records a rating of `kase` after every check; shared by applicants and invitations.
  func give(
    _ satisfaction: Hall_Rating_V1_Satisfaction, channel: Hall_Rating_V1_RatingChannel,
    text: String, second: Bool, for kase: RatedCase, by recorder: String,
    on connection: PostgresConnection
  ) async throws -> Hall_Rating_V1_Rating {
    guard (1...5).contains(satisfaction.rawValue) else {
      throw ServiceError.invalidArgument(
        field: "satisfaction", message: "must be a GB/T 39046 code, 1 (very satisfied) to 5")
    }
    guard text.count <= 500 else {
      throw ServiceError.invalidArgument(field: "text", message: "is longer than 500 characters")
    }
    guard kase.finished else {
      throw ServiceError.failedPrecondition(
        "case \(kase.caseNumber) is not finished: it can be rated once it is delivered, denied or refused"
      )
    }
    let now = clock.now
    let first = try await firstRating(of: kase.caseNumber, on: connection)
    if second {
      guard let first else {
        throw ServiceError.failedPrecondition(
          "case \(kase.caseNumber) has no first rating to evaluate again")
      }
      // The window opens with the anomaly: a bad first rating is one at once; supervision's
      // anomalies on the case (overdue, fees…) arrive from its feed.
      var opened: [Date] = []
      if first.satisfaction.rawValue >= 4 { opened.append(first.time.date) }
      if let raised = try await AnomalyReplica.latest(
        on: kase.caseNumber, connection: connection, logger: logger)
      {
        opened.append(raised)
      }
      guard let since = opened.max() else {
        throw ServiceError.failedPrecondition(
          "a second evaluation follows an anomaly; case \(kase.caseNumber) has none")
      }
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      let until = try calendar.dueTime(
        after: policy.secondEvaluationWorkingDays, from: since)
      guard now <= until else {
        throw ServiceError.failedPrecondition(
          "the second evaluation of case \(kase.caseNumber) was open until \(until) (\(policy.secondEvaluationWorkingDays) working days)"
        )
      }
    } else if first != nil {
      throw ServiceError.failedPrecondition(
        "case \(kase.caseNumber) is already rated: one rating per case (RAT-1)")
    }
    let evaluation: Int32 = second ? 2 : 1
    let rating = Hall_Rating_V1_Rating.with {
      $0.id = "\(kase.caseNumber)-R\(evaluation)"
      $0.caseNumber = kase.caseNumber
      $0.itemCode = kase.itemCode
      $0.departmentID = kase.departmentID
      $0.hallID = kase.hallID
      $0.windowID = kase.windowID
      $0.staffID = kase.staffID
      $0.applicantID = kase.applicantID
      $0.satisfaction = satisfaction
      $0.channel = channel
      $0.text = text
      $0.time = .init(date: now)
      $0.evaluation = evaluation
      $0.regionCode = regionCode
      $0.recordedBy = recorder
    }
    let inserted = try await connection.query(
      """
      INSERT INTO ratings (id, case_number, evaluation, satisfaction, applicant_id,
        department_id, time, body)
      VALUES (\(rating.id), \(kase.caseNumber), \(Int16(evaluation)),
        \(Int16(satisfaction.rawValue)), \(kase.applicantID), \(kase.departmentID), \(now),
        \(try rating.bytea()))
      ON CONFLICT (case_number, evaluation) DO NOTHING RETURNING 1
      """, logger: logger
    ).collect()
    guard !inserted.isEmpty else {
      throw ServiceError.failedPrecondition("case \(kase.caseNumber) is already rated")
    }
    try await Outbox.append(
      type: "rating.rating.given", aggregateID: kase.caseNumber, payload: rating,
      at: now, on: connection, logger: logger)
    try await closeInvitation(of: kase.caseNumber, rating: rating, on: connection)
    if !second, satisfaction.rawValue >= 4 {
      try await openBadReview(for: rating, now: now, on: connection)
    }
    return rating
  }

  func firstRating(of caseNumber: String, on connection: PostgresConnection) async throws
    -> Hall_Rating_V1_Rating?
  {
    let rows = try await connection.query(
      "SELECT body FROM ratings WHERE case_number = \(caseNumber) AND evaluation = 1",
      logger: logger
    ).collect()
    return try rows.first.map { try Hall_Rating_V1_Rating(bytea: try $0.decode(ByteBuffer.self)) }
  }

  func listRatings(
    request: Hall_Rating_V1_ListRatingsRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_ListRatingsResponse {
    let principal = try Self.caller
    let size = try Paging.size(request.pageSize, default: 100, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    var department = request.departmentID
    var applicant = ""
    switch principal.role {
    case .applicant: applicant = principal.subject
    case .approver, .departmentAdmin:
      guard department.isEmpty || department == principal.departmentID else {
        throw ServiceError.permissionDenied("you see your own department's ratings")
      }
      department = principal.departmentID ?? "-"
    default: break
    }
    let rows = try await db.query(
      """
      SELECT id, body FROM ratings
      WHERE id > \(after) AND (\(request.caseNumber) = '' OR case_number = \(request.caseNumber))
        AND (\(department) = '' OR department_id = \(department))
        AND (\(applicant) = '' OR applicant_id = \(applicant))
      ORDER BY id LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Rating_V1_ListRatingsResponse()
    for row in rows.prefix(size) {
      var rating = try Hall_Rating_V1_Rating(bytea: try row.decode((String, ByteBuffer).self).1)
      if principal.role != .applicant {
        rating.applicantID = Masking.identifier(rating.applicantID)
      }
      response.ratings.append(rating)
    }
    if rows.count > size { response.nextPageToken = Paging.token(after: response.ratings.last?.id) }
    return response
  }
}

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
  var finished: Bool

  static func load(_ caseNumber: String, on connection: PostgresConnection, logger: Logger)
    async throws -> RatedCase
  {
    guard !caseNumber.isEmpty else {
      throw ServiceError.invalidArgument(field: "case_number", message: "is required")
    }
    let rows = try await connection.query(
      """
      SELECT applicant_id, agent_id, item_code, department_id, hall_id, window_id, staff_id,
        finished
      FROM cases WHERE case_number = \(caseNumber) FOR SHARE
      """, logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("case \(caseNumber) is unknown")
    }
    let (applicant, agent, item, department, hall, window, staff, finished) = try row.decode(
      (String, String, String, String, String, String, String, Bool).self)
    return RatedCase(
      caseNumber: caseNumber, applicantID: applicant, agentID: agent, itemCode: item,
      departmentID: department, hallID: hall, windowID: window, staffID: staff,
      finished: finished)
  }
}
