import Foundation
import HallCalendar
import HallContracts
import HallServer

/// What the contract's listings share: the department the caller may see (empty: all), a
/// page of `size` after a key, and an optional period of China Standard Time days.
struct Listing {
  var department: String
  var size: Int
  var after: String
  var from: Date?
  var to: Date?

  /// The listing a request asks for; `from` and `to` name their fields.
  init(
    department: String, pageSize: Int32, pageToken: String,
    from: (date: ContractDate, field: String), to: (date: ContractDate, field: String)
  ) throws(ServiceError) {
    self.department = department
    size = try Paging.size(pageSize, default: 50, max: 500)
    after = try Paging.afterKey(pageToken) ?? ""
    self.from = try Self.start(of: from.date, field: from.field)
    self.to = try Self.start(of: to.date, field: to.field)
  }

  /// The page of `items`, read one past its size, and the token of the next page (empty at
  /// the end).
  func page<Item>(_ items: [Item], key: (Item) -> String) -> (items: [Item], next: String) {
    let page = Array(items.prefix(size))
    return (page, items.count > size ? Paging.token(after: page.last.map(key)) : "")
  }

  /// The start of a China Standard Time day, or nil when the date is unset.
  static func start(of date: ContractDate, field: String) throws(ServiceError) -> Date? {
    guard !Days.isUnset(date) else { return nil }
    return try Days.civil(date, field: field).instant(at: try! TimeOfDay(hour: 0))
  }
}
