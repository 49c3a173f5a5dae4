import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// The invitations to rate (RAT-2), with their days on the list as China Standard Time day
/// numbers.
struct InvitationStore {
  let db: Database

  /// A new invitation, on the list from `available` until `due`.
  func insert(_ invitation: Invitation, available: CivilDate, due: CivilDate) async throws {
    try await db.perform(
      """
      INSERT INTO invitations (id, case_number, available_day, due_day, open, body)
      VALUES (\(invitation.id), \(invitation.caseNumber), \(available.dayNumber),
        \(due.dayNumber), true, \(try invitation.bytea()))
      """)
  }

  /// The invitation, locked for the rest of the transaction.
  func lock(_ id: String) async throws -> Invitation {
    let rows = try await db.prepared("SELECT body FROM invitations WHERE id = \(id) FOR UPDATE")
    guard let row = rows.first else {
      throw ServiceError.notFound("invitation \(id) does not exist")
    }
    return try Invitation(bytea: try row.decode(ByteBuffer.self))
  }

  /// The case's invitation if it is still open, locked.
  func lockOpen(ofCase caseNumber: String) async throws -> Invitation? {
    let rows = try await db.prepared(
      "SELECT body FROM invitations WHERE case_number = \(caseNumber) AND open FOR UPDATE")
    return try rows.first.map { try Invitation(bytea: try $0.decode(ByteBuffer.self)) }
  }

  /// The statement that stores a worked invitation, which leaves the list.
  static func update(_ invitation: Invitation) throws -> PostgresQuery {
    """
    UPDATE invitations SET open = \(!invitation.hasWorkedTime), body = \(try invitation.bytea())
    WHERE id = \(invitation.id)
    """
  }

  /// A page of the open invitations on the list on `day`, the earliest due first.
  func listOpen(on day: CivilDate, page: PageRequest) async throws -> Page<Invitation> {
    let rows = try await db.prepared(
      """
      SELECT body FROM invitations
      WHERE open AND available_day <= \(day.dayNumber) AND id > \(page.after)
      ORDER BY due_day, id LIMIT \(page.limit)
      """)
    return try Page(rows, page, id: \.id)
  }
}
