public import HallDatabase

/// Tables every service keeps in its own schema: the request log that makes creating calls
/// idempotent (REL-1), the audit trail (SEC-3), the transactional outbox of its events and
/// the cursors of the feeds it consumes (REL-2). Each service lists these statements in its
/// first migration.
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
    // The outbox (REL-2). A row gets its feed position only after its transaction has
    // committed, from the sequencer (OutboxSequencer), so positions follow visibility and a
    // reader that has passed position N can never be overtaken by a late commit.
    """
    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      position bigint UNIQUE,
      event_type text NOT NULL,
      aggregate_id text NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      payload_type text NOT NULL,
      payload bytea NOT NULL)
    """,
    "CREATE INDEX outbox_unnumbered ON outbox (id) WHERE position IS NULL",
    // Where each feed this service consumes has got to (REL-2): the cursor is stored in the
    // same transaction as the event's effects.
    """
    CREATE TABLE consumer_cursors (
      subscription text PRIMARY KEY,
      cursor bigint NOT NULL DEFAULT 0,
      head_cursor bigint NOT NULL DEFAULT 0,
      last_event_at timestamptz,
      applied_at timestamptz NOT NULL DEFAULT now())
    """,
  ]

  /// The platform tables' second step, in each service's next migration: a request id is
  /// its caller's own (the log's key is the caller and the id), and events a consumer cannot
  /// apply are kept aside with the reason instead of stopping the feed (REL-2).
  public static let callerKeysAndParkedEvents: [String] = [
    "ALTER TABLE request_log DROP CONSTRAINT request_log_pkey",
    "ALTER TABLE request_log ADD PRIMARY KEY (subject, request_id)",
    """
    CREATE TABLE parked_events (
      subscription text NOT NULL,
      cursor bigint NOT NULL,
      event_type text NOT NULL,
      aggregate_id text NOT NULL,
      reason text NOT NULL,
      event bytea NOT NULL,
      parked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (subscription, cursor))
    """,
  ]

  /// The platform tables' third step: an event keeps the trace context of the change that
  /// made it (W3C `traceparent` and `tracestate`), which the feed serves with it (OPS-3).
  public static let eventTraceContext: [String] = [
    "ALTER TABLE outbox ADD COLUMN traceparent text, ADD COLUMN tracestate text"
  ]

  /// The platform tables' fourth step, for feeds between deployments: an event may be
  /// addressed to one region, the only events of the feed a deployment below of that region
  /// reads (FED-4: the city's reply to a case one district passed up is that district's
  /// alone); a consumer notes when it last heard from its producer, so that a feed cut off
  /// shows as silent rather than as caught up (FED-3).
  public static let networkFeeds: [String] = [
    "ALTER TABLE outbox ADD COLUMN audience text",
    "CREATE INDEX outbox_audience ON outbox (audience, position) WHERE audience IS NOT NULL",
    "ALTER TABLE consumer_cursors ADD COLUMN heard_at timestamptz",
  ]

  /// Every step at once, for a schema made afresh outside a service (the feed's tests and
  /// benchmark).
  public static var allSteps: [String] {
    statements + callerKeysAndParkedEvents + eventTraceContext + networkFeeds
  }
}

extension PlatformTables {
  /// The platform's steps, each one migration of every service, named alike everywhere.
  public enum Step: Sendable {
    case tables, callerKeysAndParkedEvents, eventTraceContext, networkFeeds

    var name: String {
      switch self {
      case .tables: "platform tables"
      case .callerKeysAndParkedEvents: "request ids per caller, parked events"
      case .eventTraceContext: "events' trace context"
      case .networkFeeds: "feeds between deployments"
      }
    }

    var statements: [String] {
      switch self {
      case .tables: PlatformTables.statements
      case .callerKeysAndParkedEvents: PlatformTables.callerKeysAndParkedEvents
      case .eventTraceContext: PlatformTables.eventTraceContext
      case .networkFeeds: PlatformTables.networkFeeds
      }
    }
  }
}

extension Migration {
  /// A platform step at the version it has in this service's list.
  public static func platform(_ version: Int, _ step: PlatformTables.Step) -> Migration {
    Migration(version: version, name: step.name, statements: step.statements)
  }
}
