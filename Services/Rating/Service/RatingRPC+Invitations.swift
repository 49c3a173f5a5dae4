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

/// Invitations to rate (RAT-2): created when a case finishes unrated, on the list from the
/// next working day, due by the fifth; a rating by any channel closes them.
extension RatingRPC {
  func listInvitations(
    request: Hall_Rating_V1_ListInvitationsRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_ListInvitationsResponse {
    let day =
      request.hasDay ? try Days.civil(request.day, field: "day") : clock.today
    let size = try Paging.size(request.pageSize, default: 100, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let rows = try await db.query(
      """
      SELECT id, body FROM invitations
      WHERE open AND available_day <= \(day.dayNumber) AND id > \(after)
      ORDER BY due_day, id LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Rating_V1_ListInvitationsResponse()
    for row in rows.prefix(size) {
      response.invitations.append(
        try Hall_Rating_V1_Invitation(bytea: try row.decode((String, ByteBuffer).self).1))
    }
    if rows.count > size {
      response.nextPageToken = Paging.token(after: response.invitations.last?.id)
    }
    return response
  }

  func recordInvitationOutcome(
    request: Hall_Rating_V1_RecordInvitationOutcomeRequest, context: ServerContext
  ) async throws -> Hall_Rating_V1_Invitation {
    let principal = try Self.caller
    guard request.channel == .phone || request.channel == .sms else {
      throw ServiceError.invalidArgument(field: "channel", message: "must be PHONE or SMS")
    }
    switch request.outcome {
    case .rated, .declined, .unreachable: break
    default:
      throw ServiceError.invalidArgument(
        field: "outcome", message: "must be RATED, DECLINED or UNREACHABLE")
    }
    try Text.require(request.invitationID, field: "invitation_id", max: 100)
    return try await once(request.requestID, "RecordInvitationOutcome") { connection in
      var invitation = try await lockInvitation(request.invitationID, on: connection)
      guard !invitation.hasWorkedTime else {
        throw ServiceError.failedPrecondition(
          "invitation \(invitation.id) is already worked (\(invitation.outcome))")
      }
      if request.outcome == .rated {
        let kase = try await RatedCase.load(invitation.caseNumber, on: connection, logger: logger)
        _ = try await give(
          request.satisfaction, channel: request.channel, text: request.text, second: false,
          for: kase, by: principal.subject, on: connection)
        invitation = try await lockInvitation(request.invitationID, on: connection)
        return invitation
      }
      invitation.outcome = request.outcome
      invitation.channel = request.channel
      invitation.workedTime = .init(date: clock.now)
      invitation.workedBy = principal.subject
      invitation.note = request.note
      try await save(invitation, on: connection)
      return invitation
    }
  }

  func lockInvitation(_ id: String, on connection: PostgresConnection) async throws
    -> Hall_Rating_V1_Invitation
  {
    let rows = try await connection.query(
      "SELECT body FROM invitations WHERE id = \(id) FOR UPDATE", logger: logger
    ).collect()
    guard let row = rows.first else {
      throw ServiceError.notFound("invitation \(id) does not exist")
    }
    return try Hall_Rating_V1_Invitation(bytea: try row.decode(ByteBuffer.self))
  }

  func save(_ invitation: Hall_Rating_V1_Invitation, on connection: PostgresConnection)
    async throws
  {
    try await connection.query(
      """
      UPDATE invitations SET open = \(!invitation.hasWorkedTime), body = \(try invitation.bytea())
      WHERE id = \(invitation.id)
      """, logger: logger)
    try await Outbox.append(
      type: "rating.invitation.worked", aggregateID: invitation.caseNumber, payload: invitation,
      at: clock.now, on: connection, logger: logger)
  }

  /// A rating, by whatever channel, answers the case's invitation.
  func closeInvitation(
    of caseNumber: String, rating: Hall_Rating_V1_Rating, on connection: PostgresConnection
  ) async throws {
    let rows = try await connection.query(
      "SELECT body FROM invitations WHERE case_number = \(caseNumber) AND open FOR UPDATE",
      logger: logger
    ).collect()
    guard let row = rows.first else { return }
    var invitation = try Hall_Rating_V1_Invitation(bytea: try row.decode(ByteBuffer.self))
    invitation.outcome = .rated
    invitation.channel = rating.channel
    invitation.workedTime = rating.time
    invitation.workedBy = rating.recordedBy
    try await save(invitation, on: connection)
  }
}
