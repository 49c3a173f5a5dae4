import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
public import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// The catalog service (CAT-1 to CAT-11): the published catalog of service items and their
/// guides, one-thing bundles, the certificate and intermediary lists and the working
/// calendar. Every published change is written to the outbox in the same transaction.
struct CatalogRPC: Hall_Catalog_V1_CatalogService.SimpleServiceProtocol {
  let db: PostgresClient
  let logger: Logger

  init(db: PostgresClient, logger: Logger) {
    self.db = db
    self.logger = logger
  }

  /// The catalog as one of the platform's services.
  static let definition = ServiceDefinition(
    name: "catalog",
    migrations: CatalogMigrations.all,
    policy: accessPolicy,
    rpcServiceNames: [Hall_Catalog_V1_CatalogService.descriptor.fullyQualifiedService]
  ) { client, _, logger in
    let service = CatalogRPC(db: client, logger: logger)
    try await service.seedCalendar()
    return [service]
  }

  /// Reads of published data are public (CAT-9: the online and offline guide are the same
  /// and anyone may read it); every write needs the catalog administrator.
  static var accessPolicy: AccessPolicy {
    var policy = AccessPolicy()
    let service = Hall_Catalog_V1_CatalogService.descriptor.fullyQualifiedService
    policy.allow(
      .anyone, service: service,
      methods: [
        "GetDepartment", "ListDepartments", "ListCertificates", "ListIntermediaryServices",
        "ListItemVersions", "GetItemVersion", "GetGuide", "SearchGuides", "ListBundles",
        "GetBundleVersion", "GetCalendarYear", "ListCalendarYears", "GetHallHours",
        "ComputeDueTime", "CountWorkingDays", "GetIndicators",
      ])
    policy.allow(
      .roles([.catalogAdmin]), service: service,
      methods: [
        "CreateDepartment", "CreateCertificate", "CreateIntermediaryService", "CreateItem",
        "UpdateItemDraft", "PublishItem", "CancelItem", "CreateBundle", "UpdateBundleDraft",
        "PublishBundle", "CancelBundle", "PutCalendarYear", "SetHallHours",
      ])
    policy.allow(
      .roles([.catalogAdmin, .service]), service: service, methods: ["GetItem", "GetBundle"])
    return policy
  }

  /// Who is acting, for `*_by` columns.
  var actor: String { Principal.current?.subject ?? "system" }
}

/// The catalog service, as the executable and the tests start it.
public enum Catalog {
  public static var definition: ServiceDefinition { CatalogRPC.definition }
}

/// Protobuf bytes in and out of `bytea` columns.
extension SwiftProtobuf.Message {
  init(bytea: ByteBuffer) throws {
    try self.init(serializedBytes: Array(buffer: bytea))
  }

  func bytea() throws -> ByteBuffer {
    ByteBuffer(bytes: try serializedBytes() as [UInt8])
  }
}

/// Civil dates between the contract and the calendar library. Days are stored as day
/// numbers (days since 1970-01-01) so that no time zone is ever involved in storage.
enum Days {
  static func today(now: Date = Date()) -> CivilDate {
    CivilDate(chinaStandardTimeOf: now)
  }

  static func proto(_ date: CivilDate) -> Hall_Common_V1_CivilDate {
    .with {
      $0.year = Int32(date.year)
      $0.month = Int32(date.month)
      $0.day = Int32(date.day)
    }
  }

  static func isUnset(_ date: Hall_Common_V1_CivilDate) -> Bool {
    date.year == 0 && date.month == 0 && date.day == 0
  }

  static func civil(_ date: Hall_Common_V1_CivilDate, field: String) throws(ServiceError)
    -> CivilDate
  {
    do {
      return try CivilDate(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    } catch {
      throw .invalidArgument(
        field: field, message: "\(date.year)-\(date.month)-\(date.day) is not a calendar date")
    }
  }
}
