import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// The gRPC server as a peer of the service's group. When the group shuts down gracefully
/// it reports NOT_SERVING, ends the feed's open streams (which would otherwise hold the
/// drain for ever) and lets calls in flight finish (REL-4).
struct ServerPeer: Service {
  let server: GRPCServer<HTTP2ServerTransport.Posix>
  let health: HealthService
  let feed: OutboxFeed

  func run() async throws {
    try await withGracefulShutdownHandler {
      try await server.serve()
    } onGracefulShutdown: {
      health.setServing(false)
      feed.beginShutdown()
      server.beginGracefulShutdown()
    }
  }
}

/// The feed's sequencer, which numbers committed outbox rows until the group stops it.
struct SequencerPeer: Service {
  let feed: OutboxFeed

  func run() async throws {
    await cancelWhenGracefulShutdown { await feed.run() }
  }
}

/// A worker (feed consumer, timer) that runs until cancelled, stopped when the group shuts
/// down, once the server has drained. A worker that gives up takes the process down, so
/// that the orchestrator restarts it instead of leaving a service that serves stale data.
struct WorkerPeer: Service {
  let worker: any Service
  let logger: Logger

  func run() async throws {
    do {
      try await cancelWhenGracefulShutdown { try await worker.run() }
    } catch is CancellationError {
      // Stopped by the group's shutdown: the worker's task is cancelled, not this one.
    } catch  where !Task.isCancelled {
      logger.critical("worker failed", metadata: ["error": "\(error)"])
      throw error
    }
  }
}
