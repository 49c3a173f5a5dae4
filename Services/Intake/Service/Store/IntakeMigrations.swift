import HallDatabase
import HallServer

/// The intake schema. A case is stored whole as its contract message (the record the
/// applicant, the back office and the other services see), with the columns that queries,
/// access checks and timers filter on extracted beside it; every change rewrites both in
/// one transaction under the case's row lock.
enum IntakeMigrations {
  static let all: [Migration] = [
    .platform(1, .tables),
    Migration(
      version: 2, name: "catalog replica",
      statements: [
        // Published item versions, as the catalog's feed delivers them (so intake accepts
        // cases while the catalog is down). effective_day: days since 1970-01-01.
        """
        CREATE TABLE item_versions (
          item_code text NOT NULL,
          version integer NOT NULL,
          effective_day integer NOT NULL,
          cancels boolean NOT NULL,
          body bytea NOT NULL,
          PRIMARY KEY (item_code, version))
        """,
        """
        CREATE TABLE bundle_versions (
          bundle_code text NOT NULL,
          version integer NOT NULL,
          effective_day integer NOT NULL,
          cancels boolean NOT NULL,
          body bytea NOT NULL,
          PRIMARY KEY (bundle_code, version))
        """,
        "CREATE TABLE departments (id text PRIMARY KEY, level smallint NOT NULL, body bytea NOT NULL)",
      ] + CalendarReplica.statements),
    Migration(
      version: 3, name: "tickets and cases",
      statements: [
        // state: TicketState numbers. day: China Standard Time day number of issue.
        """
        CREATE TABLE tickets (
          id text PRIMARY KEY,
          hall_id text NOT NULL,
          day integer NOT NULL,
          sequence integer NOT NULL,
          state smallint NOT NULL,
          issue_time timestamptz NOT NULL,
          body bytea NOT NULL,
          UNIQUE (hall_id, day, sequence))
        """,
        "CREATE INDEX tickets_waiting ON tickets (hall_id, issue_time) WHERE state = 1",
        "CREATE SEQUENCE case_number_sequence",
        "CREATE SEQUENCE application_number_sequence",
        // state: CaseState numbers; open: not finished. applicant_id and agent_id let an
        // applicant find their own cases; shortfall_deadline is set while a shortfall is
        // outstanding, for the expiry timer.
        """
        CREATE TABLE cases (
          case_number text PRIMARY KEY,
          state smallint NOT NULL,
          open boolean NOT NULL,
          item_code text NOT NULL,
          department_id text NOT NULL,
          hall_id text NOT NULL,
          applicant_id text NOT NULL,
          agent_id text NOT NULL,
          application_id text NOT NULL,
          due_time timestamptz,
          shortfall_deadline timestamptz,
          updated_at timestamptz NOT NULL,
          body bytea NOT NULL)
        """,
        "CREATE INDEX cases_department ON cases (department_id, case_number)",
        "CREATE INDEX cases_hall ON cases (hall_id, case_number)",
        "CREATE INDEX cases_applicant ON cases (applicant_id, case_number)",
        "CREATE INDEX cases_agent ON cases (agent_id, case_number) WHERE agent_id <> ''",
        "CREATE INDEX cases_application ON cases (application_id) WHERE application_id <> ''",
        "CREATE INDEX cases_open ON cases (case_number) WHERE open",
        """
        CREATE INDEX cases_shortfall ON cases (shortfall_deadline)
        WHERE shortfall_deadline IS NOT NULL
        """,
        """
        CREATE TABLE applications (
          id text PRIMARY KEY,
          applicant_id text NOT NULL,
          agent_id text NOT NULL,
          hall_id text NOT NULL,
          body bytea NOT NULL)
        """,
        // Licence numbers are unique in the deployment.
        "CREATE TABLE licences (number text PRIMARY KEY, case_number text NOT NULL)",
        // Applicants who broke a shortfall commitment, and until when (China Standard Time
        // day number, exclusive) they may not use shortfall acceptance.
        """
        CREATE TABLE shortfall_bans (
          applicant_id text PRIMARY KEY,
          until_day integer NOT NULL,
          case_number text NOT NULL)
        """,
      ]),
    .platform(4, .callerKeysAndParkedEvents),
    Migration(
      version: 5, name: "due time re-derivation in batches",
      statements: [
        """
        CREATE TABLE due_time_rederivation (
          id integer PRIMARY KEY CHECK (id = 1),
          pending boolean NOT NULL,
          after_case text NOT NULL)
        """,
        "INSERT INTO due_time_rederivation VALUES (1, false, '')",
      ]),
    .platform(6, .eventTraceContext),
    Migration(
      version: 7, name: "feeds between deployments, cases passed up",
      statements: PlatformTables.networkFeeds + [
        // A case received from a deployment below is taken once: "<region>/<its case>".
        "ALTER TABLE cases ADD COLUMN passed_from text",
        "CREATE UNIQUE INDEX cases_passed_from ON cases (passed_from) WHERE passed_from IS NOT NULL",
      ]),
    // FED-2: the items of the city's standard that this district says it does not handle.
    Migration(
      version: 8, name: "items this deployment handles",
      statements: [
        "CREATE TABLE item_local_details (item_code text PRIMARY KEY, implemented boolean NOT NULL)"
      ]),
  ]
}
