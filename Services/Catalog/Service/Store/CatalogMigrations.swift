import HallDatabase
import HallServer

/// The catalog schema. Specs and versions are stored whole as protobuf bytes (the contract
/// is the record), with the columns that queries filter on extracted beside them.
enum CatalogMigrations {
  static let all: [Migration] = [
    .platform(1, .tables),
    Migration(
      version: 2, name: "catalog",
      statements: [
        """
        CREATE TABLE departments (
          id text PRIMARY KEY,
          name text NOT NULL UNIQUE,
          region_code text NOT NULL,
          level smallint NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          created_by text NOT NULL)
        """,
        """
        CREATE TABLE certificates (
          id text PRIMARY KEY,
          name text NOT NULL UNIQUE,
          body bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          created_by text NOT NULL)
        """,
        """
        CREATE TABLE intermediary_services (
          id text PRIMARY KEY,
          name text NOT NULL UNIQUE,
          department_id text NOT NULL REFERENCES departments (id),
          body bytea NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          created_by text NOT NULL)
        """,
        // state: 1 draft, 2 published, 3 cancelled (ItemState numbers).
        """
        CREATE TABLE items (
          code text PRIMARY KEY,
          state smallint NOT NULL,
          draft bytea,
          draft_name text,
          latest_version integer NOT NULL DEFAULT 0,
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text NOT NULL)
        """,
        "CREATE INDEX items_draft_name ON items (draft_name)",
        // Every name an item has ever had: a name is never reused by another item, so a
        // cancelled item cannot come back under a new code (CAT-7).
        """
        CREATE TABLE item_names (
          name text PRIMARY KEY,
          item_code text NOT NULL REFERENCES items (code))
        """,
        """
        CREATE TABLE item_versions (
          item_code text NOT NULL REFERENCES items (code),
          version integer NOT NULL,
          body bytea NOT NULL,
          name text NOT NULL,
          search_text text NOT NULL,
          search_grams text[] NOT NULL,
          department_id text NOT NULL,
          kind smallint NOT NULL,
          levels smallint[] NOT NULL,
          channels smallint[] NOT NULL,
          statutory_days integer NOT NULL,
          promised_days integer NOT NULL,
          max_visits integer NOT NULL,
          placement smallint NOT NULL,
          cancels boolean NOT NULL,
          effective_day integer NOT NULL,
          published_at timestamptz NOT NULL DEFAULT now(),
          published_by text NOT NULL,
          PRIMARY KEY (item_code, version))
        """,
        "CREATE INDEX item_versions_grams ON item_versions USING gin (search_grams)",
        "CREATE INDEX item_versions_department ON item_versions (department_id, item_code)",
        "CREATE INDEX item_versions_levels ON item_versions USING gin (levels)",
        "CREATE INDEX item_versions_channels ON item_versions USING gin (channels)",
        """
        CREATE INDEX item_versions_in_force
          ON item_versions (item_code, effective_day DESC, version DESC)
        """,
        """
        CREATE TABLE bundles (
          code text PRIMARY KEY,
          state smallint NOT NULL,
          draft bytea,
          draft_name text,
          latest_version integer NOT NULL DEFAULT 0,
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text NOT NULL)
        """,
        """
        CREATE TABLE bundle_names (
          name text PRIMARY KEY,
          bundle_code text NOT NULL REFERENCES bundles (code))
        """,
        """
        CREATE TABLE bundle_versions (
          bundle_code text NOT NULL REFERENCES bundles (code),
          version integer NOT NULL,
          body bytea NOT NULL,
          name text NOT NULL,
          search_text text NOT NULL,
          search_grams text[] NOT NULL,
          department_ids text[] NOT NULL,
          cancels boolean NOT NULL,
          effective_day integer NOT NULL,
          published_at timestamptz NOT NULL DEFAULT now(),
          published_by text NOT NULL,
          PRIMARY KEY (bundle_code, version))
        """,
        "CREATE INDEX bundle_versions_grams ON bundle_versions USING gin (search_grams)",
        """
        CREATE TABLE calendar_years (
          year integer PRIMARY KEY,
          body bytea NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text NOT NULL)
        """,
        """
        CREATE TABLE settings (
          key text PRIMARY KEY,
          body bytea NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text NOT NULL)
        """,
      ]),
    .platform(3, .callerKeysAndParkedEvents),
    .platform(4, .eventTraceContext),
    // FED-2: what a district holds of its city's catalog is marked with the city's name, and
    // is the city's to change; a record without an owner is this deployment's own.
    Migration(
      version: 5, name: "owners of records taken from the city",
      statements: ["departments", "certificates", "intermediary_services", "items", "bundles"]
        .map { "ALTER TABLE \($0) ADD COLUMN owner text" }),
    .platform(6, .networkFeeds),
    // FED-2: a district's own details of an item of its city's standard, kept apart from
    // the city's versions, which replace nothing of them.
    Migration(
      version: 7, name: "a district's local details of its city's items",
      statements: [
        """
        CREATE TABLE item_local_details (
          item_code text PRIMARY KEY REFERENCES items (code),
          implemented boolean NOT NULL,
          placement smallint,
          body bytea NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          updated_by text NOT NULL)
        """
      ]),
  ]
}
