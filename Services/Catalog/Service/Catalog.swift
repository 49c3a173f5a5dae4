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
  ) { context in
    let service = CatalogRPC(db: context.client, logger: context.logger, clock: context.clock)
    try await service.seedCalendar()
    return ServiceParts(handlers: [service])
  }

  /// Reads of published data are public (CAT-9: the online and offline guide are the same
  /// and anyone may read it); every write needs the catalog administrator.
  static var accessPolicy: AccessPolicy {
    var policy = AccessPolicy()
    typealias M = Hall_Catalog_V1_CatalogService.Method
    policy.allow(
      .anyone,
      [
        M.GetDepartment.descriptor, M.ListDepartments.descriptor, M.ListCertificates.descriptor,
        M.ListIntermediaryServices.descriptor, M.ListItemVersions.descriptor,
        M.GetItemVersion.descriptor, M.GetGuide.descriptor, M.SearchGuides.descriptor,
        M.ListBundles.descriptor, M.GetBundleVersion.descriptor, M.GetCalendarYear.descriptor,
        M.ListCalendarYears.descriptor, M.GetHallHours.descriptor, M.ComputeDueTime.descriptor,
        M.CountWorkingDays.descriptor, M.GetIndicators.descriptor,
      ])
    policy.allow(
      .roles([.catalogAdmin]),
      [
        M.CreateDepartment.descriptor, M.CreateCertificate.descriptor,
        M.CreateIntermediaryService.descriptor, M.CreateItem.descriptor,
        M.UpdateItemDraft.descriptor, M.PublishItem.descriptor, M.CancelItem.descriptor,
        M.CreateBundle.descriptor, M.UpdateBundleDraft.descriptor, M.PublishBundle.descriptor,
        M.CancelBundle.descriptor, M.PutCalendarYear.descriptor, M.SetHallHours.descriptor,
      ])
    policy.allow(
      .roles([.catalogAdmin, .service]), [M.GetItem.descriptor, M.GetBundle.descriptor])
    return policy
  }

  /// Who is acting, for `*_by` columns.
  var actor: String { Principal.current?.subject ?? "system" }
}

/// The catalog service, as the executable and the tests start it.
public enum Catalog {
  public static var definition: ServiceDefinition { CatalogRPC.definition }
}
