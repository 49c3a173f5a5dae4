import HallDatabase
import HallServer

/// The rating schema: a replica of intake's cases, the ratings, invitations, bad reviews and
/// marks. Records are stored whole as their contract messages, with the columns that
/// queries, checks and figures filter on beside them.
enum RatingMigrations {
  static let all: [Migration] = [
    .platform(1, .tables),
    Migration(
      version: 2, name: "replicas",
      statements: [
        // Every case intake announces, as its latest event says it is. finished: a state in
        // which it can be rated (delivered, denied, refused).
        """
        CREATE TABLE cases (
          case_number text PRIMARY KEY,
          applicant_id text NOT NULL,
          agent_id text NOT NULL,
          item_code text NOT NULL,
          department_id text NOT NULL,
          hall_id text NOT NULL,
          window_id text NOT NULL,
          staff_id text NOT NULL,
          state smallint NOT NULL,
          finished boolean NOT NULL,
          finish_time timestamptz)
        """,
        "CREATE INDEX cases_finished ON cases (finish_time) WHERE finished",
      ] + CalendarReplica.statements),
    Migration(
      version: 3, name: "ratings",
      statements: [
        // evaluation: 1 first, 2 second. A case has at most one of each.
        """
        CREATE TABLE ratings (
          id text PRIMARY KEY,
          case_number text NOT NULL REFERENCES cases (case_number),
          evaluation smallint NOT NULL,
          satisfaction smallint NOT NULL,
          void boolean NOT NULL DEFAULT false,
          applicant_id text NOT NULL,
          department_id text NOT NULL,
          time timestamptz NOT NULL,
          body bytea NOT NULL,
          UNIQUE (case_number, evaluation))
        """,
        "CREATE INDEX ratings_department ON ratings (department_id, id)",
        "CREATE INDEX ratings_applicant ON ratings (applicant_id, id)",
        // Days are China Standard Time day numbers.
        """
        CREATE TABLE invitations (
          id text PRIMARY KEY,
          case_number text NOT NULL UNIQUE,
          available_day integer NOT NULL,
          due_day integer NOT NULL,
          open boolean NOT NULL,
          body bytea NOT NULL)
        """,
        "CREATE INDEX invitations_open ON invitations (available_day, due_day) WHERE open",
        """
        CREATE TABLE bad_reviews (
          id text PRIMARY KEY,
          department_id text NOT NULL,
          state smallint NOT NULL,
          open boolean NOT NULL,
          rectification_due timestamptz NOT NULL,
          closed_time timestamptz,
          body bytea NOT NULL)
        """,
        "CREATE INDEX bad_reviews_department ON bad_reviews (department_id, id)",
        "CREATE INDEX bad_reviews_due ON bad_reviews (rectification_due)",
        """
        CREATE TABLE marks (
          id text PRIMARY KEY,
          kind smallint NOT NULL,
          hall_id text NOT NULL,
          window_id text NOT NULL,
          staff_id text NOT NULL,
          department_id text NOT NULL,
          time timestamptz NOT NULL,
          body bytea NOT NULL)
        """,
        "CREATE INDEX marks_time ON marks (time)",
      ]),
    Migration(
      version: 4, name: "anomalies from supervision",
      statements: [
        """
        CREATE TABLE case_anomalies (
          anomaly_id text PRIMARY KEY,
          case_number text NOT NULL,
          raise_time timestamptz NOT NULL)
        """,
        "CREATE INDEX case_anomalies_case ON case_anomalies (case_number)",
      ]),
    .platform(5, .callerKeysAndParkedEvents),
    .platform(6, .eventTraceContext),
    .platform(7, .networkFeeds),
  ]
}
