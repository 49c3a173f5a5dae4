public import GRPCCore
public import HallAuth
public import HallDatabase
public import ServiceLifecycle

/// What makes one of the platform's services: its schema's migrations, who may call what,
/// and how to build its handlers and workers once the database is ready.
public struct ServiceDefinition: Sendable {
  /// Short name, also the schema: "catalog", "intake", "supervision", "rating".
  public var name: String
  /// One line on what it serves, the executable's `--help` abstract.
  public var summary: String
  public var migrations: [Migration]
  public var policy: AccessPolicy
  /// Fully qualified names of the RPC services offered, for the health service.
  public var rpcServiceNames: [String]
  /// Methods that take requests larger than 4 MiB, with their limit (at most
  /// ``ServiceApp/transportPayloadLimit``).
  public var largeRequests: [MethodDescriptor: Int]
  /// Whether the deployments below this one may follow its feed (the catalog's, FED-2); the
  /// deployment above reads every feed (FED-3).
  public var feedFollowedDown: Bool
  /// Builds the handlers and workers from the service's one context; runs after
  /// migrations, so it may seed data.
  public var make: @Sendable (ServiceContext) async throws -> ServiceParts

  public init(
    name: String, summary: String, migrations: [Migration], policy: AccessPolicy,
    rpcServiceNames: [String],
    largeRequests: [MethodDescriptor: Int] = [:], feedFollowedDown: Bool = false,
    make: @escaping @Sendable (ServiceContext) async throws -> ServiceParts
  ) {
    self.name = name
    self.summary = summary
    self.migrations = migrations
    self.policy = policy
    self.rpcServiceNames = rpcServiceNames
    self.largeRequests = largeRequests
    self.feedFollowedDown = feedFollowedDown
    self.make = make
  }
}

/// A service's handlers, and what runs beside them for as long as it serves: feed
/// consumers, timers. All of them are peers of one `ServiceGroup`.
public struct ServiceParts: Sendable {
  public var handlers: [any RegistrableRPCService]
  public var workers: [any Service]

  public init(handlers: [any RegistrableRPCService], workers: [any Service] = []) {
    self.handlers = handlers
    self.workers = workers
  }
}
