import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// The rules as the deployment set them (SUP-3): stored rows override the defaults of
/// ``RuleBook``.
struct RuleStore {
  let db: Database

  /// The rules in force.
  func book() async throws -> RuleBook {
    let rows = try await db.query("SELECT body FROM rules")
    return RuleBook(stored: try rows.map { try Rule(bytea: try $0.decode(ByteBuffer.self)) })
  }

  /// The statement that stores a rule as changed.
  static func put(_ rule: Rule) throws -> PostgresQuery {
    """
    INSERT INTO rules (code, body) VALUES (\(rule.code), \(try rule.bytea()))
    ON CONFLICT (code) DO UPDATE SET body = excluded.body
    """
  }
}
