import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// Rating's copy of intake's cases, kept from intake's feed (REL-2), so that a rating is
/// checked against the real case while intake is down. When a case finishes unrated, its
/// invitation to rate is created in the same transaction (RAT-2).
struct IntakeReplica {
  static let eventTypes = ["intake.case."]

  let db: Database

  /// Applies a case event in the consumer's transaction.
  func apply(_ event: FeedEvent, rules: RatingRules, calendars: CalendarSource) async throws {
    let kase = try IntakeCase(unpackingAny: event.payload)
    guard try await store(kase) else { return }
    let calendar = try await calendars.calendar(on: db)
    let (invitation, available, due) = try Invitations.invitation(
      for: kase, calendar: calendar, rules: rules)
    try await InvitationStore(db: db).insert(invitation, available: available, due: due)
  }

  /// Stores the case as its latest event says it is; returns whether it is to be invited:
  /// finished, and neither invited nor rated yet.
  private func store(_ kase: IntakeCase) async throws -> Bool {
    let finished = kase.state.isRateable
    let finishTime: Date? = finished ? kase.finishTime.date : nil
    let staff = kase.acceptedBy.isEmpty ? kase.receivedBy : kase.acceptedBy
    let rows = try await db.prepared(
      """
      INSERT INTO cases (case_number, applicant_id, agent_id, item_code, department_id, hall_id,
        window_id, staff_id, state, finished, finish_time)
      VALUES (\(kase.caseNumber), \(kase.applicant.idNumber), \(kase.agent.agentIDNumber),
        \(kase.itemCode), \(kase.departmentID), \(kase.hallID), \(kase.windowID), \(staff),
        \(Int16(kase.state.rawValue)), \(finished), \(finishTime))
      ON CONFLICT (case_number) DO UPDATE SET applicant_id = excluded.applicant_id,
        agent_id = excluded.agent_id, item_code = excluded.item_code,
        department_id = excluded.department_id, hall_id = excluded.hall_id,
        window_id = excluded.window_id, staff_id = excluded.staff_id, state = excluded.state,
        finished = excluded.finished, finish_time = excluded.finish_time
      RETURNING (SELECT count(*) FROM invitations WHERE case_number = \(kase.caseNumber))::int8,
        (SELECT count(*) FROM ratings WHERE case_number = \(kase.caseNumber))::int8
      """)
    let (invitations, ratings) = try rows[0].decode((Int64, Int64).self)
    return finished && invitations == 0 && ratings == 0
  }

  /// The case as rating knows it, share-locked so that it does not change under a rating.
  func ratedCase(_ caseNumber: String) async throws -> RatedCase {
    guard !caseNumber.isEmpty else {
      throw ServiceError.invalidArgument(field: "case_number", message: "is required")
    }
    let rows = try await db.prepared(
      """
      SELECT applicant_id, agent_id, item_code, department_id, hall_id, window_id, staff_id,
        finished
      FROM cases WHERE case_number = \(caseNumber) FOR SHARE
      """)
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
