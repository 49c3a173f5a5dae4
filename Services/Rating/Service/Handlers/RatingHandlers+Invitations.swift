import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Invitations to rate (RAT-2): created when a case finishes unrated, on the list from the
/// next working day, due by the fifth; a rating by any channel closes them.
extension RatingHandlers {
  func listInvitations(
    request: ListInvitationsRequest, context: ServerContext
  ) async throws -> ListInvitationsResponse {
    let day = request.hasDay ? try Days.civil(request.day, field: "day") : service.clock.today
    let page = try PageRequest(size: request.pageSize, token: request.pageToken)
    let found = try await service.read { db in
      try await InvitationStore(db: db).listOpen(on: day, page: page)
    }
    return .with {
      $0.invitations = found.records
      $0.nextPageToken = found.nextToken
    }
  }

  /// Staff's answer to an invitation, by phone or SMS: a rating given on it, or why none was.
  func recordInvitationOutcome(
    request: RecordInvitationOutcomeRequest, context: ServerContext
  ) async throws -> Invitation {
    let caller = try Caller.required()
    try Invitations.checkOutcome(request.outcome, channel: request.channel)
    try Text.require(request.invitationID, field: "invitation_id", max: 100)
    return try await service.change(request.requestID, context) { db in
      var invitation = try await InvitationStore(db: db).lock(request.invitationID)
      try Invitations.checkUnworked(invitation)
      if request.outcome == .rated {
        let kase = try await IntakeReplica(db: db).ratedCase(invitation.caseNumber)
        let input = RatingInput(
          satisfaction: request.satisfaction, channel: request.channel, text: request.text,
          second: false)
        let given = try await give(input, for: kase, by: caller.subject, on: db)
        return try await given.writes.change(given.invitation ?? invitation, on: db)
      }
      let now = service.clock.now
      Invitations.work(
        &invitation, outcome: request.outcome, channel: request.channel, note: request.note,
        by: caller.subject, now: now)
      var writes = Writes()
      writes.add(
        try InvitationStore.update(invitation), .invitationWorked, about: invitation.caseNumber,
        invitation, at: now)
      return try await writes.change(invitation, on: db)
    }
  }
}
