import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO

/// Reads of the versions in force: public guides and their search (CAT-9), and the catalog
/// indicators (CAT-11), so that every answer matches the published guides.
struct GuideStore: Sendable {
  let db: Database

  /// The item's version in force on `day`, with its department's name and, in a district,
  /// its own details of an item of the city's standard.
  func guide(of itemCode: String, on day: CivilDate) async throws -> Guide? {
    try await db.prepared(
      """
      SELECT v.body, d.name, l.body FROM item_versions v
      JOIN departments d ON d.id = v.department_id
      LEFT JOIN item_local_details l ON l.item_code = v.item_code
      WHERE v.item_code = \(itemCode) AND v.effective_day <= \(Int32(day.dayNumber))
      ORDER BY v.effective_day DESC, v.version DESC LIMIT 1
      """
    ).first.map { try Self.guide(.item, $0) }
  }

  /// What a guide search filters on; an empty or unspecified filter filters nothing.
  struct Filters {
    var keyword: String
    var departmentID: String
    var level: AdministrativeLevel
    var channel: ServiceChannel
  }

  /// Up to `limit` guides of one kind in force on `day`, not cancelled, coded after
  /// `after`, in code order; an item of the city's standard that this district does not
  /// handle is not among them (FED-2).
  ///
  /// Conditions are added only when asked for, so each search gets the plan its filters
  /// deserve (the gram index for keywords, the department index for departments): the text
  /// varies, and runs unprepared.
  func search(
    _ kind: Publishable, _ filters: Filters, after: String, on day: CivilDate, limit: Int
  ) async throws -> [Guide] {
    let versions = "\(kind.rawValue)_versions"
    let code = "\(kind.rawValue)_code"
    let local =
      kind == .item
      ? (
        column: "l.body", join: "LEFT JOIN item_local_details l ON l.item_code = v.item_code",
        condition: "AND l.implemented IS NOT false"
      )
      : (column: "NULL::bytea", join: "", condition: "")
    var sql = """
      SELECT v.body, d.name, \(local.column) FROM \(versions) v
      JOIN departments d ON d.id = v.\(kind == .item ? "department_id" : "department_ids[1]")
      \(local.join)
      WHERE v.effective_day <= $1 AND NOT v.cancels AND v.\(code) > $2 \(local.condition)
        AND NOT EXISTS (
          SELECT 1 FROM \(versions) n WHERE n.\(code) = v.\(code)
            AND n.effective_day <= $1
            AND (n.effective_day, n.version) > (v.effective_day, v.version))
      """
    var binds = PostgresBindings()
    binds.append(Int32(day.dayNumber))
    binds.append(after)
    Self.addKeyword(filters.keyword, to: &sql, binds: &binds)
    Self.addFilters(filters, of: kind, to: &sql, binds: &binds)
    binds.append(limit)
    sql += " ORDER BY v.\(code) LIMIT $\(binds.count)"
    return try await db.query(PostgresQuery(unsafeSQL: sql, binds: binds)).map {
      try Self.guide(kind, $0)
    }
  }

  /// Narrows the search to a keyword, if one is given: its grams through the gram index,
  /// then the exact substring on the few rows the index yields (``SearchGrams``).
  private static func addKeyword(
    _ keyword: String, to sql: inout String, binds: inout PostgresBindings
  ) {
    let keyword = SearchGrams.normalized(keyword)
    guard !keyword.isEmpty else { return }
    binds.append(SearchGrams.queryGrams(of: keyword))
    binds.append(SearchGrams.likePattern(of: keyword))
    sql += " AND v.search_grams @> $\(binds.count - 1) AND v.search_text LIKE $\(binds.count)"
  }

  /// An item has one department, a bundle several; only items have levels and channels.
  private static func addFilters(
    _ filters: Filters, of kind: Publishable, to sql: inout String,
    binds: inout PostgresBindings
  ) {
    if !filters.departmentID.isEmpty {
      if kind == .item {
        binds.append(filters.departmentID)
        sql += " AND v.department_id = $\(binds.count)"
      } else {
        binds.append([filters.departmentID])
        sql += " AND v.department_ids @> $\(binds.count)"
      }
    }
    guard kind == .item else { return }
    if filters.level != .unspecified {
      binds.append([Int16(filters.level.rawValue)])
      sql += " AND v.levels @> $\(binds.count)"
    }
    if filters.channel != .unspecified {
      binds.append([Int16(filters.channel.rawValue)])
      sql += " AND v.channels @> $\(binds.count)"
    }
  }

  private static func guide(_ kind: Publishable, _ row: PostgresRow) throws -> Guide {
    let (body, departmentName, local) = try row.decode((ByteBuffer, String, ByteBuffer?).self)
    var guide = Guide()
    switch kind {
    case .item: guide.version = try ItemVersion(bytea: body)
    case .bundle: guide.bundle = try BundleVersion(bytea: body)
    }
    guide.departmentName = departmentName
    if let local { LocalDetailsRules.overlay(try ItemLocalDetails(bytea: local), on: &guide) }
    return guide
  }

  /// The counts the indicators are computed from, over the items in force on `day`, of one
  /// department or (empty) all: in a district, the items of the city's standard it handles,
  /// placed where it says (FED-2).
  func indicatorCounts(department: String, on day: CivilDate) async throws -> IndicatorCounts {
    let licensing = Int16(ItemKind.administrativeLicensing.rawValue)
    let inHall = [HallPlacement.inHall, .itemInStaffOnCall].map { Int16($0.rawValue) }
    let rows = try await db.prepared(
      """
      WITH in_force AS (
        SELECT DISTINCT ON (v.item_code) v.item_code, kind, statutory_days, promised_days,
          max_visits, coalesce(l.placement, v.placement) AS placement, cancels, department_id
        FROM item_versions v LEFT JOIN item_local_details l ON l.item_code = v.item_code
        WHERE effective_day <= \(Int32(day.dayNumber)) AND l.implemented IS NOT false
        ORDER BY v.item_code, effective_day DESC, version DESC)
      SELECT count(*)::int4,
        count(*) FILTER (WHERE kind = \(licensing))::int4,
        coalesce(sum(statutory_days) FILTER (WHERE kind = \(licensing)), 0)::int8,
        coalesce(sum(promised_days) FILTER (WHERE kind = \(licensing)), 0)::int8,
        count(*) FILTER (WHERE promised_days = 0)::int4,
        count(*) FILTER (WHERE max_visits = 0)::int4,
        count(*) FILTER (WHERE placement = ANY(\(inHall)))::int4
      FROM in_force WHERE NOT cancels AND (\(department) = '' OR department_id = \(department))
      """)
    let counts = try rows[0].decode((Int32, Int32, Int64, Int64, Int32, Int32, Int32).self)
    return IndicatorCounts(
      items: counts.0, licensingItems: counts.1, statutoryDays: counts.2,
      promisedDays: counts.3, onTheSpot: counts.4, noVisit: counts.5, inHall: counts.6)
  }
}
