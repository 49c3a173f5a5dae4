import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// What supervision takes from the catalog's feed: departments (their region, for the
/// figures by region), the item version last published (to check reported cases) and the
/// working calendar. When the calendar changes, every open case is judged again.
enum CatalogFacts {
  static let eventTypes =
    ["catalog.item_version.", "catalog.department."] + CalendarReplica.eventTypes

  static func apply(
    _ event: Hall_Events_V1_Event, on connection: PostgresConnection, logger: Logger
  ) async throws {
    switch event.type {
    case "catalog.department.created":
      let department = try Hall_Catalog_V1_Department(unpackingAny: event.payload)
      try await connection.query(
        """
        INSERT INTO departments (id, name, region_code)
        VALUES (\(department.id), \(department.name), \(department.regionCode))
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, region_code = excluded.region_code
        """, logger: logger)
    case "catalog.item_version.published":
      let version = try Hall_Catalog_V1_ItemVersion(unpackingAny: event.payload)
      let spec = version.spec
      try await connection.query(
        """
        INSERT INTO items (item_code, name, department_id, case_kind, promised_working_days,
          max_visits, fee_fen, cancelled)
        VALUES (\(version.itemCode), \(spec.name), \(spec.departmentID),
          \(Int16(spec.caseKind.rawValue)), \(Int(spec.promisedLimitWorkingDays)),
          \(Int(spec.maxVisits)), \(spec.fee.charged ? spec.fee.amountFen : 0), \(version.cancels))
        ON CONFLICT (item_code) DO UPDATE SET name = excluded.name,
          department_id = excluded.department_id, case_kind = excluded.case_kind,
          promised_working_days = excluded.promised_working_days,
          max_visits = excluded.max_visits, fee_fen = excluded.fee_fen,
          cancelled = excluded.cancelled
        """, logger: logger)
    default:
      if try await CalendarReplica.apply(event, on: Database(connection, logger: logger)) {
        // Every open case is judged again at the timer's next pass, whatever its clock reads.
        try await connection.query(
          "UPDATE cases SET next_check = '-infinity' WHERE open", logger: logger)
      }
    }
  }
}
