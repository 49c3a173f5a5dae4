import HallAuth
import HallDatabase
public import HallServer

/// A producer that is nothing but an outbox (using intake's role and schema), for the feed's
/// tests and benchmark: what they measure is the feed, not a service's handlers.
public enum OutboxProducer {
  public static let definition = ServiceDefinition(
    name: "intake", summary: "An outbox and nothing else.",
    migrations: [
      Migration(version: 1, name: "platform tables", statements: PlatformTables.allSteps)
    ],
    policy: AccessPolicy(), rpcServiceNames: []
  ) { _ in ServiceParts(handlers: []) }
}
