import HallDatabase
import HallServer

/// The supervision schema: replicas of what the other services publish (departments, items,
/// calendar, tickets, ratings), the supervised cases with their cards, the anomalies, the
/// rules and score models as data, and per-day figure counters. Records are stored whole as
/// their contract messages, with the columns that queries and figures filter on beside them.
enum SupervisionMigrations {
  static let all: [Migration] = [
    .platform(1, .tables),
    Migration(
      version: 2, name: "replicas",
      statements: [
        "CREATE TABLE departments (id text PRIMARY KEY, name text NOT NULL, region_code text NOT NULL)",
        // The item version in force last announced, for checking reported cases.
        """
        CREATE TABLE items (
          item_code text PRIMARY KEY,
          name text NOT NULL,
          department_id text NOT NULL,
          case_kind smallint NOT NULL,
          promised_working_days integer NOT NULL,
          max_visits integer NOT NULL,
          fee_fen bigint NOT NULL,
          cancelled boolean NOT NULL)
        """,
        // Queue tickets with their wait, so a case's window wait is known (WINDOW_WAIT).
        """
        CREATE TABLE tickets (
          id text PRIMARY KEY,
          case_number text NOT NULL,
          wait_seconds bigint NOT NULL)
        """,
        "CREATE INDEX tickets_case ON tickets (case_number) WHERE case_number <> ''",
      ] + CalendarReplica.statements),
    Migration(
      version: 3, name: "supervision",
      statements: [
        // next_check: the earliest instant at which the timer has something to raise on the
        // case (a warning, a red card, a step limit); NULL when nothing is pending.
        """
        CREATE TABLE cases (
          case_number text PRIMARY KEY,
          region_code text NOT NULL,
          department_id text NOT NULL,
          item_code text NOT NULL,
          source smallint NOT NULL,
          open boolean NOT NULL,
          timeliness smallint NOT NULL,
          receive_time timestamptz NOT NULL,
          accept_day integer,
          red_anomalies integer NOT NULL DEFAULT 0,
          anomalies integer NOT NULL DEFAULT 0,
          next_check timestamptz,
          body bytea NOT NULL)
        """,
        "CREATE INDEX cases_next_check ON cases (next_check) WHERE next_check IS NOT NULL",
        "CREATE INDEX cases_department ON cases (department_id, receive_time)",
        "CREATE INDEX cases_received ON cases (receive_time)",
        // counted: whether it counts in the figures (not pending, not removed).
        """
        CREATE TABLE anomalies (
          id text PRIMARY KEY,
          rule_code text NOT NULL,
          category smallint NOT NULL,
          signal smallint NOT NULL,
          state smallint NOT NULL,
          counted boolean NOT NULL,
          case_number text NOT NULL,
          department_id text NOT NULL,
          region_code text NOT NULL,
          raise_time timestamptz NOT NULL,
          raise_day integer NOT NULL,
          body bytea NOT NULL)
        """,
        "CREATE INDEX anomalies_day ON anomalies (raise_day, department_id) WHERE counted",
        "CREATE INDEX anomalies_case ON anomalies (case_number) WHERE case_number <> ''",
        "CREATE INDEX anomalies_department ON anomalies (department_id, id)",
        "CREATE SEQUENCE manual_entry_numbers",
        // Ratings as they stand: the first rating's day and the code in force (the second
        // evaluation's when there is one).
        """
        CREATE TABLE ratings (
          case_number text PRIMARY KEY,
          department_id text NOT NULL,
          region_code text NOT NULL,
          day integer NOT NULL,
          first_code smallint NOT NULL,
          code smallint NOT NULL,
          void boolean NOT NULL)
        """,
        "CREATE TABLE rules (code text PRIMARY KEY, body bytea NOT NULL)",
        "CREATE TABLE score_models (version integer PRIMARY KEY, body bytea NOT NULL)",
        // Per China Standard Time day, region and department: the counters every figure is
        // a ratio of (see supervision_service.proto). Kept in the transaction of each change
        // so that a month's report adds up at most 31 × departments rows.
        """
        CREATE TABLE daily_figures (
          day integer NOT NULL,
          region_code text NOT NULL,
          department_id text NOT NULL,
          accepted bigint NOT NULL DEFAULT 0,
          red_carded bigint NOT NULL DEFAULT 0,
          warned bigint NOT NULL DEFAULT 0,
          completed bigint NOT NULL DEFAULT 0,
          completed_on_time bigint NOT NULL DEFAULT 0,
          spot_completed bigint NOT NULL DEFAULT 0,
          spot_same_day bigint NOT NULL DEFAULT 0,
          rated bigint NOT NULL DEFAULT 0,
          rated_good bigint NOT NULL DEFAULT 0,
          PRIMARY KEY (day, region_code, department_id))
        """,
      ]),
    .platform(4, .callerKeysAndParkedEvents),
    Migration(
      version: 5, name: "events' and cases' trace context",
      statements: PlatformTables.eventTraceContext + [
        "ALTER TABLE cases ADD COLUMN traceparent text"
      ]),
    .platform(6, .networkFeeds),
  ]
}
