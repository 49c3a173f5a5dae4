import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// One-thing applications (INT-8), stored as received; their status is derived from their
/// sub-cases whenever they are read.
struct ApplicationStore {
  let db: Database

  /// The next value of the deployment-wide application number sequence.
  func nextSequence() async throws -> Int64 {
    try await db.query("SELECT nextval('application_number_sequence')")[0].decode(Int64.self)
  }

  func get(_ id: String) async throws -> BundleApplication {
    guard !id.isEmpty else {
      throw ServiceError.invalidArgument(field: "application_id", message: "is required")
    }
    let rows = try await db.query("SELECT body FROM applications WHERE id = \(id)")
    guard let row = rows.first else {
      throw ServiceError.notFound("application \(id) does not exist")
    }
    return try BundleApplication(bytea: try row.decode(ByteBuffer.self))
  }

  /// The statement that writes a new application.
  static func inserting(_ application: BundleApplication) throws -> PostgresQuery {
    """
    INSERT INTO applications (id, applicant_id, agent_id, hall_id, body)
    VALUES (\(application.id), \(application.applicant.idNumber),
      \(application.agent.agentIDNumber), \(application.hallID), \(try application.bytea()))
    """
  }
}
