import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// The score models (SUP-8), one row per version; the newest is in force.
struct ScoreModelStore {
  let db: Database

  /// The model in force: the newest set, or the standard one.
  func current() async throws -> ScoreModel {
    let rows = try await db.query(
      "SELECT body FROM score_models ORDER BY version DESC LIMIT 1")
    guard let row = rows.first else { return ScoreModels.standard }
    return try ScoreModel(bytea: try row.decode(ByteBuffer.self))
  }

  /// The statement that stores a new version.
  static func insert(_ model: ScoreModel) throws -> PostgresQuery {
    "INSERT INTO score_models (version, body) VALUES (\(Int(model.version)), \(try model.bytea()))"
  }
}
