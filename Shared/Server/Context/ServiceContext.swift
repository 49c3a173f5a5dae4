public import GRPCCore
public import HallCalendar
public import HallDatabase
public import Logging
public import PostgresNIO
public import SwiftProtobuf

/// What every part of one service shares, built once when the service starts: its database
/// client, settings, logger, clock and working-calendar cache. Handlers, replicas and
/// workers hold it rather than each building their own.
public struct ServiceContext: Sendable {
  /// Short name, also the schema: "catalog", "intake", "supervision", "rating".
  public let name: String
  public let client: PostgresClient
  public let settings: ServiceSettings
  public let logger: Logger
  /// The working calendar as the service's replica of the catalog's holds it (intake,
  /// rating, supervision); the catalog reads its own tables instead.
  public let calendars: CalendarSource
  /// How the service's links to its peers (the feeds it follows) are secured.
  public let links: LinkSecurity
  public let metrics: ServiceMetrics
  /// This deployment in the network of halls (FED-1).
  public let identity: DeploymentIdentity

  public init(
    name: String, client: PostgresClient, settings: ServiceSettings, logger: Logger,
    calendars: CalendarSource = CalendarSource(), links: LinkSecurity = .plaintext,
    metrics: ServiceMetrics = ServiceMetrics(), identity: DeploymentIdentity? = nil
  ) {
    self.name = name
    self.client = client
    self.settings = settings
    self.logger = logger
    self.calendars = calendars
    self.links = links
    self.metrics = metrics
    self.identity =
      identity
      ?? DeploymentIdentity(
        name: settings.deployment, level: .city, regionCode: "", parent: nil, children: [])
  }

  /// Where the service reads "now" (``WallClock``).
  public var clock: WallClock { settings.clock }

  /// Runs `body` on a pooled connection, outside a transaction: reads.
  public func read<Result: Sendable>(_ body: (Database) async throws -> Result) async throws
    -> Result
  {
    let lease = PoolLease(metrics.pool)
    defer { lease.end() }
    return try await client.withDatabase(logger: logger) { db in
      lease.begin()
      return try await body(db)
    }
  }

  /// Runs `body` in a transaction.
  public func transaction<Result: Sendable>(_ body: (Database) async throws -> Result)
    async throws -> Result
  {
    let lease = PoolLease(metrics.pool)
    defer { lease.end() }
    return try await client.inTransaction(logger: logger) { db in
      lease.begin()
      return try await body(db)
    }
  }

  /// Runs a changing call once per request id (REL-1), named by the method being served.
  /// - Parameter transaction: false for work whose only write is the change it hands back.
  public func change<Answer: SwiftProtobuf.Message & Sendable>(
    _ requestID: String, _ rpc: ServerContext, transaction: Bool = true,
    _ work: (Database) async throws -> Change<Answer>
  ) async throws -> Answer {
    let lease = PoolLease(metrics.pool)
    defer { lease.end() }
    return try await Idempotency.run(
      requestID: requestID, method: rpc.descriptor.method, client: client, logger: logger,
      transaction: transaction, lease: lease, work)
  }

  /// The working calendar in force, read on `db` (inside its transaction, so that a calendar
  /// change applied in the same transaction is seen).
  public func calendar(on db: Database) async throws -> WorkingCalendar {
    try await calendars.calendar(on: db)
  }

  /// The calendar of `revision`, read by the caller with another query on a hot path.
  public func calendar(revision: Int64, on db: Database) async throws -> WorkingCalendar {
    try await calendars.calendar(revision: revision, on: db)
  }
}
