import HallAuth
public import HallDatabase
import PostgresNIO

/// The audit trail (SEC-3 全程留痕): who did what to which record, written in the same
/// transaction as the change so that no change exists without its trail.
public enum Audit {
  public static func record(
    _ action: String, target: String, detail: String = "", on db: Database
  ) async throws {
    let principal = Principal.current
    let subject = principal?.subject ?? "system"
    let role = principal?.role.rawValue ?? "system"
    try await db.perform(
      """
      INSERT INTO audit_log (subject, role, action, target, detail)
      VALUES (\(subject), \(role), \(action), \(target), \(detail))
      """)
  }
}
