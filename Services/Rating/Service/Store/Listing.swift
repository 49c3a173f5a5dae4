import HallServer
import PostgresNIO
import SwiftProtobuf

/// Which page of a listing is asked for: listings are keyset-paged by id (``Paging``).
struct PageRequest: Sendable {
  var size: Int
  /// The last id of the previous page; "" for the first.
  var after: String

  init(size: Int32, token: String) throws(ServiceError) {
    self.size = try Paging.size(size, default: 100, max: 500)
    after = try Paging.afterKey(token) ?? ""
  }

  /// The rows a page's statement asks for: one more than the page, to know whether
  /// another follows.
  var limit: Int { size + 1 }
}

/// A page of records stored whole, and the token of the next page ("" when none follows).
struct Page<Record: SwiftProtobuf.Message> {
  var records: [Record] = []
  var nextToken = ""

  /// The page of `rows`, each a record's body, as many as `request.limit` asked.
  init(_ rows: [PostgresRow], _ request: PageRequest, id: (Record) -> String) throws {
    for row in rows.prefix(request.size) {
      records.append(try Record(bytea: try row.decode(ByteBuffer.self)))
    }
    if rows.count > request.size { nextToken = Paging.token(after: records.last.map(id)) }
  }
}
