import Foundation
import HallCalendar
import HallContracts
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// Rating's copy of intake's cases, kept from intake's feed (REL-2), so that a rating is
/// checked against the real case while intake is down. When a case finishes unrated, its
/// invitation to rate is created in the same transaction (RAT-2).
enum CaseReplica {
  static let eventTypes = ["intake.case."]

  /// States in which a case can be rated and counts as finished in the figures: delivered,
  /// denied and refused. Withdrawn and escalated cases were not served here.
  static func isRateable(_ state: Hall_Intake_V1_CaseState) -> Bool {
    state == .delivered || state == .denied || state == .refused
  }

  static func apply(
    _ event: Hall_Events_V1_Event, policy: RatingPolicy, calendars: CalendarSource,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    let kase = try Hall_Intake_V1_Case(unpackingAny: event.payload)
    let finished = isRateable(kase.state)
    let finishTime: Date? = finished ? kase.finishTime.date : nil
    let staff = kase.acceptedBy.isEmpty ? kase.receivedBy : kase.acceptedBy
    let rows = try await connection.query(
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
      """, logger: logger
    ).collect()
    let (invitations, ratings) = try rows[0].decode((Int64, Int64).self)
    guard finished, invitations == 0, ratings == 0 else { return }
    let calendar = try await calendars.calendar(on: connection, logger: logger)
    let available = calendar.nextWorkingDay(after: Days.today(now: kase.finishTime.date))
    let due = Days.today(
      now: try calendar.dueTime(after: policy.invitationWorkingDays, from: kase.finishTime.date))
    let invitation = Hall_Rating_V1_Invitation.with {
      $0.id = "\(kase.caseNumber)-INV"
      $0.caseNumber = kase.caseNumber
      $0.departmentID = kase.departmentID
      $0.hallID = kase.hallID
      $0.caseFinishTime = kase.finishTime
      $0.availableFrom = Days.proto(available)
      $0.dueBy = Days.proto(due)
    }
    try await connection.query(
      """
      INSERT INTO invitations (id, case_number, available_day, due_day, open, body)
      VALUES (\(invitation.id), \(kase.caseNumber), \(available.dayNumber), \(due.dayNumber),
        true, \(try invitation.bytea()))
      """, logger: logger)
  }
}
