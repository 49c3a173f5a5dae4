import HallCalendar
import HallContracts
import HallDatabase
import HallServer

/// The catalog's contract (proto/hall/catalog/v1): each handler checks its request, reads
/// through the stores, asks the domain and hands the writes back. The methods are in
/// `CatalogHandlers+<Area>.swift`; items and bundles share their lifecycle's steps
/// (`CatalogHandlers+Lifecycle.swift`).
struct CatalogHandlers: CatalogContract.SimpleServiceProtocol {
  let service: ServiceContext

  var clock: WallClock { service.clock }

  /// The ids a spec may point at. Read outside the write transaction: entries are never
  /// deleted, so a reference valid now stays valid.
  func references() async throws -> ItemReferences {
    try await service.read { db in try await db.lists.references() }
  }

  /// A keyset page (``Paging``): up to `size` rows after the token's key, and the token of
  /// the next page (empty on the last).
  /// - Parameter read: the rows after a key (nil on the first page), up to a limit one past
  ///   the page's size.
  func page<Row: Sendable>(
    _ pageSize: Int32, default defaultSize: Int, max: Int, token: String,
    key: (Row) -> String,
    _ read: (Database, _ after: String?, _ limit: Int) async throws -> [Row]
  ) async throws -> (rows: [Row], next: String) {
    let size = try Paging.size(pageSize, default: defaultSize, max: max)
    let after = try Paging.afterKey(token)
    let rows = try await service.read { db in try await read(db, after, size + 1) }
    let page = Array(rows.prefix(size))
    return (page, rows.count > size ? Paging.token(after: page.last.map(key)) : "")
  }
}
