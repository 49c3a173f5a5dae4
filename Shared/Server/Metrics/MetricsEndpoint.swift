public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle
import Synchronization

/// Serves the registry as Prometheus' text format on `GET /metrics`, on a port of its own
/// (`HALL_METRICS_PORT`): a scrape reads counters kept in memory and never waits for the
/// database or for a call, so it cannot hold up an RPC, nor an RPC a scrape. The same port
/// answers an orchestrator's plain HTTP probes, which cannot speak the listener's TLS:
/// `/healthz` (the process answers) and `/readyz` (it takes calls; not while it starts or
/// drains).
public final class MetricsEndpoint: Service, Sendable {
  let registry: PrometheusCollectorRegistry
  let ready: @Sendable () -> Bool
  let host: String
  let port: Int
  let logger: Logger
  /// The port once bound, or why it never will be; and who waits for it meanwhile.
  private let bound = Mutex<
    (result: Result<Int, any Error>?, waiters: [CheckedContinuation<Int, any Error>])
  >((nil, []))

  public init(
    registry: PrometheusCollectorRegistry, ready: @escaping @Sendable () -> Bool, host: String,
    port: Int, logger: Logger
  ) {
    self.registry = registry
    self.ready = ready
    self.host = host
    self.port = port
    self.logger = logger
  }

  public func run() async throws {
    let (registry, ready) = (registry, ready)
    let channel: any Channel
    do {
      channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(
              MetricsHandler(registry: registry, ready: ready))
          }
        }
        .bind(host: host, port: port).get()
    } catch {
      resolve(.failure(error))
      throw error
    }
    let actual = channel.localAddress?.port ?? port
    resolve(.success(actual))
    logger.info("metrics", metadata: ["host": "\(host)", "port": "\(actual)", "path": "/metrics"])
    // Closed by the group's graceful shutdown, or by its cancellation when another peer
    // failed (a listener whose port is taken): a close future alone waits through
    // cancellation, and the service would never stop.
    try await withTaskCancellationHandler {
      try await withGracefulShutdownHandler {
        try await channel.closeFuture.get()
      } onGracefulShutdown: {
        channel.close(promise: nil)
      }
    } onCancel: {
      channel.close(promise: nil)
    }
  }

  /// The port bound (useful when the settings asked for port 0).
  public func listeningPort() async throws -> Int {
    try await withCheckedThrowingContinuation { continuation in
      let result = bound.withLock { state in
        if state.result == nil { state.waiters.append(continuation) }
        return state.result
      }
      if let result { continuation.resume(with: result) }
    }
  }

  /// Answers whoever waits for the port when the endpoint will not start: the service ended
  /// before it did.
  func abandon() {
    resolve(.failure(CancellationError()))
  }

  /// The first outcome stands.
  private func resolve(_ result: Result<Int, any Error>) {
    let waiters = bound.withLock { state in
      guard state.result == nil else { return [CheckedContinuation<Int, any Error>]() }
      state.result = result
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume(with: result) }
  }
}

/// One HTTP/1.1 exchange at a time per connection: `GET /metrics` answers the registry,
/// `/healthz` and `/readyz` the probes, anything else 404 or 405.
private final class MetricsHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let registry: PrometheusCollectorRegistry
  let ready: @Sendable () -> Bool
  private var head: HTTPRequestHead?

  init(registry: PrometheusCollectorRegistry, ready: @escaping @Sendable () -> Bool) {
    self.registry = registry
    self.ready = ready
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head): self.head = head
    case .body: break
    case .end:
      guard let head else { return }
      self.head = nil
      respond(to: head, context: context)
    }
  }

  private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
    let (status, body): (HTTPResponseStatus, [UInt8]) =
      switch (head.method, head.uri.split(separator: "?").first ?? "") {
      case (.GET, "/metrics"): (.ok, registry.emitToBuffer())
      case (.GET, "/healthz"): (.ok, Array("ok\n".utf8))
      case (.GET, "/readyz"):
        ready() ? (.ok, Array("ready\n".utf8)) : (.serviceUnavailable, Array("not ready\n".utf8))
      case (_, "/metrics"), (_, "/healthz"), (_, "/readyz"):
        (.methodNotAllowed, Array("GET only\n".utf8))
      default: (.notFound, Array("metrics are at /metrics\n".utf8))
      }
    var headers = HTTPHeaders([
      (
        "content-type",
        status == .ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8"
      ),
      ("content-length", "\(body.count)"),
    ])
    if !head.isKeepAlive { headers.add(name: "connection", value: "close") }
    context.write(
      wrapOutboundOut(
        .head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
      promise: nil)
    context.write(
      wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
      promise: nil)
    let done = context.eventLoop.makePromise(of: Void.self)
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
    if !head.isKeepAlive {
      let channel = context.channel
      done.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
  }
}
