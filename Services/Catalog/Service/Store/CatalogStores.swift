import HallDatabase
import HallServer
import PostgresNIO

/// The catalog's stores on one database handle: `db.items.lock(code)`.
extension Database {
  var items: ItemStore { ItemStore(db: self) }
  var bundles: BundleStore { BundleStore(db: self) }
  var lists: ListStore { ListStore(db: self) }
  var calendar: CalendarStore { CalendarStore(db: self) }
  var guides: GuideStore { GuideStore(db: self) }
  var localDetails: LocalDetailsStore { LocalDetailsStore(db: self) }

  /// Writes the audit line of a change in the change's transaction (SEC-3).
  func audit(_ action: AuditAction, target: String, detail: String = "") async throws {
    try await Audit.record(
      action.text, target: target, detail: detail, on: self)
  }
}

/// A statement whose text is built from trusted parts (a kind's table names), with its
/// values bound in order as $1, $2, …
func statement(_ sql: String, _ values: any PostgresNonThrowingEncodable...) -> PostgresQuery {
  var binds = PostgresBindings()
  for value in values { binds.append(value) }
  return PostgresQuery(unsafeSQL: sql, binds: binds)
}
