import HallDatabase

/// Tables every service keeps in its own schema: the request log that makes creating calls
/// idempotent (REL-1), the audit trail (SEC-3) and the transactional outbox of its events
/// (REL-2). Each service lists these statements in its first migration.
public enum PlatformTables {
  public static let statements: [String] = [
    """
    CREATE TABLE request_log (
      request_id text PRIMARY KEY,
      method text NOT NULL,
      subject text NOT NULL,
      response bytea,
      created_at timestamptz NOT NULL DEFAULT now())
    """,
    """
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      subject text NOT NULL,
      role text NOT NULL,
      action text NOT NULL,
      target text NOT NULL,
      detail text NOT NULL DEFAULT '')
    """,
    "CREATE INDEX audit_log_target ON audit_log (target, at)",
    """
    CREATE TABLE outbox (
      position bigserial PRIMARY KEY,
      xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_type text NOT NULL,
      aggregate_id text NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      payload bytea NOT NULL)
    """,
    "CREATE INDEX outbox_xid ON outbox (xid)",
  ]
}
