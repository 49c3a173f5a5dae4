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
  let clock: WallClock

  init(db: PostgresClient, logger: Logger, clock: WallClock) {
    self.db = db
    self.logger = logger
    self.clock = clock
  }

  /// The catalog as one of the platform's services.
  static let definition = ServiceDefinition(
    name: "catalog",
    migrations: CatalogMigrations.all,
    policy: accessPolicy,
    rpcServiceNames: [Hall_Catalog_V1_CatalogService.descriptor.fullyQualifiedService]
  ) { client, settings, logger in
    let service = CatalogRPC(db: client, logger: logger, clock: settings.clock)
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
