import HallAuth
public import Logging
public import PostgresNIO

/// The audit trail (SEC-3 全程留痕): who did what to which record, written in the same
/// transaction as the change so that no change exists without its trail.
public enum Audit {
  public static func record(
    _ action: String, target: String, detail: String = "", on connection: PostgresConnection,
    logger: Logger
  ) async throws {
    let principal = Principal.current
    let subject = principal?.subject ?? "system"
    let role = principal?.role.rawValue ?? "system"
    try await connection.query(
      """
      INSERT INTO audit_log (subject, role, action, target, detail)
      VALUES (\(subject), \(role), \(action), \(target), \(detail))
      """, logger: logger)
  }
}
