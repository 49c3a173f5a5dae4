import HallDatabase
import HallServer
import PostgresNIO

/// Licence numbers, unique in the deployment (INT-7).
struct LicenceStore {
  let db: Database

  /// Takes `number` for the case, or ALREADY_EXISTS when another licence holds it.
  func claim(_ number: String, for caseNumber: String) async throws {
    let inserted = try await db.query(
      """
      INSERT INTO licences (number, case_number) VALUES (\(number), \(caseNumber))
      ON CONFLICT (number) DO NOTHING RETURNING 1
      """)
    guard !inserted.isEmpty else {
      throw ServiceError.alreadyExists("licence number \(number) is already issued")
    }
  }
}
