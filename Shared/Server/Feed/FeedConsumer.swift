import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
public import HallContracts
public import HallDatabase
public import Logging
public import PostgresNIO
public import ServiceLifecycle
import SwiftProtobuf
import Prometheus
import Synchronization

/// A feed this service consumes: whose, where, and under which name its cursor is kept.
public struct FeedSubscription: Sendable {
  /// Name of the cursor row, e.g. "catalog" for intake's copy of the catalog.
  public var name: String
  public var address: PeerAddress
  public var security: LinkSecurity
  /// The consumer's own service token.
  public var token: String?
  /// Only events whose type starts with one of these; all when empty.
  public var typePrefixes: [String]

  public init(
    name: String, address: PeerAddress, security: LinkSecurity, token: String?,
    typePrefixes: [String] = []
  ) {
    self.name = name
    self.address = address
    self.security = security
    self.token = token
    self.typePrefixes = typePrefixes
  }

  /// A plaintext subscription to a producer on this machine's loopback (tests, benchmarks).
  public init(name: String, host: String, port: Int, token: String?) {
    self.init(
      name: name, address: PeerAddress(host: .ipv4(host), port: port), security: .plaintext,
      token: token)
  }
}

/// How far a consumer has got, for people and dashboards.
public struct ConsumerLag: Sendable, Equatable {
  public var cursor: Int64
  public var headCursor: Int64
  /// Events the producer has served that are not applied yet.
  public var events: Int64 { max(0, headCursor - cursor) }
  /// Age of the newest applied event when behind; 0 when caught up.
  public var seconds: Double
  /// Events set aside because they could not be applied (``FeedConsumer/park(_:reason:)``).
  public var parked: Int64 = 0
  /// Seconds since the producer was last heard from (an event or a heartbeat, which an idle
  /// feed sends every second); nil when it never was. A link cut off shows here.
  public var silentSeconds: Double? = nil
}

/// The consumer side of a feed (REL-2): applies each event and stores the cursor in one
/// transaction of the consumer's own schema, so an event is applied exactly once whatever
/// the network redelivers. Only one instance of a service applies a subscription at a time
/// (a session advisory lock); the others wait and take over when its connection dies.
public final class FeedConsumer: Service {
  public typealias Apply = @Sendable (FeedEvent, Database) async throws -> Void
  /// Applies several events at once, in order, as `Apply` would one by one: a consumer far
  /// behind (a city catching up with a district, FED-3) reads and writes per batch rather
  /// than per event. The subscription's name is for the events' spans (``EventSpans``).
  public typealias ApplyBatch =
    @Sendable ([FeedEvent], _ subscription: String, Database) async throws -> Void

  public let subscription: FeedSubscription
  let client: PostgresClient
  let logger: Logger
  let apply: Apply
  let applyBatch: ApplyBatch?
  /// Reconnection backoff bounds; a session that lasted a while starts again from the minimum.
  let minimumBackoff = Duration.milliseconds(100)
  let maximumBackoff = Duration.seconds(5)
  /// Events applied by this instance, so that a session that made progress resets the
  /// backoff.
  private let appliedCount = Mutex<Int>(0)
  /// When the lag was last read into the metrics, and last written to the log.
  private let lagReported = Mutex<
    (sampled: ContinuousClock.Instant?, logged: ContinuousClock.Instant?)
  >(
    (nil, nil))
  /// How often the lag is read into the metrics, and logged, while the subscription runs.
  static let lagSampleInterval = Duration.seconds(2)
  static let lagReportInterval = Duration.seconds(30)
  /// The lag's gauges: events, seconds, parked.
  private let lagGauges: (events: Gauge, seconds: Gauge, parked: Gauge)

  public init(
    subscription: FeedSubscription, client: PostgresClient, logger: Logger,
    metrics: ServiceMetrics = ServiceMetrics(), producer: String? = nil,
    applyBatch: ApplyBatch? = nil, apply: @escaping Apply
  ) {
    self.subscription = subscription
    self.client = client
    self.logger = logger
    self.apply = apply
    self.applyBatch = applyBatch
    let producer = producer ?? subscription.name
    let lag = metrics.feedLag(producer: producer, subscription: subscription.name)
    lagGauges = (
      lag.events, lag.seconds,
      metrics.feedParked(producer: producer, subscription: subscription.name)
    )
  }

  /// How a service follows another's feed: the address from the settings
  /// (`HALL_<SERVICE>_ADDR`), the service's links' security and its own token, the cursor
  /// named after the producer unless `cursor` names it.
  public convenience init(
    following producer: String, cursor: String? = nil, types: [String], context: ServiceContext,
    applyBatch: ApplyBatch? = nil, apply: @escaping Apply
  ) throws {
    self.init(
      subscription: FeedSubscription(
        name: cursor ?? producer, address: try context.settings.address(of: producer),
        security: context.links, token: context.settings.serviceToken, typePrefixes: types),
      client: context.client, logger: context.logger, metrics: context.metrics,
      producer: producer, applyBatch: applyBatch, apply: apply)
  }

  public func run() async throws {
    var backoff = minimumBackoff
    while !Task.isCancelled {
      let appliedBefore = appliedCount.withLock { $0 }
      do {
        try await runWhileLeader()
      } catch {
        if Task.isCancelled { break }
        if appliedCount.withLock({ $0 }) > appliedBefore { backoff = minimumBackoff }
        logger.warning(
          "feed consumer interrupted; reconnecting",
          metadata: [
            "subscription": "\(subscription.name)", "error": "\(error)",
            "backoff": "\(backoff)",
          ])
        try? await Task.sleep(for: backoff)
        backoff = min(backoff * 2, maximumBackoff)
      }
    }
  }

  /// Holds the subscription's lock on one connection while streaming and applying.
  private func runWhileLeader() async throws {
    // Services share a database in a deployment, each in its own schema: the key names the
    // schema, or intake's "catalog" subscription would keep supervision's waiting for ever.
    let lockKey = ".consumer.\(subscription.name)"
    try await client.withConnection { lockConnection in
      while true {
        try Task.checkCancellation()
        let rows = try await lockConnection.query(
          "SELECT pg_try_advisory_lock(hashtext(current_schema() || \(lockKey)))", logger: logger
        ).collect()
        if try rows.first?.decode(Bool.self) == true { break }
        try await Task.sleep(for: .milliseconds(500))
      }
      // The lock would go with the connection anyway; releasing it here hands over at once
      // and keeps a pooled connection from carrying it to another user.
      do {
        try await stream(leadingOn: lockConnection)
      } catch {
        await release(lockKey, on: lockConnection)
        throw error
      }
      await release(lockKey, on: lockConnection)
    }
  }

  /// Gives the subscription's lock up. A connection the database dropped (a restart) holds
  /// no lock any more; a stopping service closes it rather than send a statement from a
  /// cancelled task, which PostgresNIO may never answer after the database came back (the
  /// service then did not stop on SIGTERM).
  private func release(_ lockKey: String, on connection: PostgresConnection) async {
    if connection.isClosed { return }
    if Task.isCancelled {
      try? await connection.close()
      return
    }
    _ = try? await connection.query(
      "SELECT pg_advisory_unlock(hashtext(current_schema() || \(lockKey)))", logger: logger)
  }

  /// The lock's connection was lost (the database restarted): another instance may hold the
  /// subscription now, so this one stops applying and competes for the lock again.
  struct LeadershipLost: Error, CustomStringConvertible {
    var description: String { "the connection holding the subscription's lock was lost" }
  }

  private func stream(leadingOn lockConnection: PostgresConnection) async throws {
    let name = subscription.name
    try await client.query(
      "INSERT INTO consumer_cursors (subscription) VALUES (\(name)) ON CONFLICT DO NOTHING",
      logger: logger)
    let start = try await client.query(
      "SELECT cursor FROM consumer_cursors WHERE subscription = \(name)", logger: logger
    ).collect()
    let after = try start[0].decode(Int64.self)
    logger.info("subscribing", metadata: ["subscription": "\(name)", "after": "\(after)"])
    try await ServiceClient.with(
      address: subscription.address, security: subscription.security, token: subscription.token
    ) { grpc in
      let feed = Hall_Events_V1_EventFeed.Client(wrapping: grpc)
      let request = FeedRequest.with {
        $0.afterCursor = after
        $0.typePrefixes = subscription.typePrefixes
      }
      try await feed.subscribe(request) { response in
        // The network reader fills a buffer while the applier takes whatever has arrived in
        // one transaction: a consumer far behind catches up in batches, an idle one applies
        // each event as it comes.
        let buffer = MessageBuffer()
        let applier = Task(executorPreference: EventLoopExecutor.applier()) {
          do {
            while let batch = await buffer.take(max: Self.batchSize) {
              try await self.handle(batch)
            }
          } catch {
            buffer.fail(error)
          }
        }
        defer { applier.cancel() }
        // Heartbeats arrive at least every second, so a failed applier is noticed promptly
        // and ends the subscription, which then resumes from the stored cursor.
        for try await message in response.messages {
          if let failure = buffer.failure { throw failure }
          if lockConnection.isClosed { throw LeadershipLost() }
          await buffer.append(message)
        }
        buffer.finish()
        await applier.value
        if let failure = buffer.failure { throw failure }
      }
    }
  }

  /// Large enough that a batch's fixed round trips (its transaction, its cursor, its reads)
  /// weigh little per event while catching up: 500 applied 14 000 events/s, 5 000 about
  /// 20 000 (`deploy/bench/network.sh`).
  static let batchSize = 5000

  /// Applies a batch of stream messages in one transaction, in order.
  func handle(_ batch: [FeedMessage]) async throws {
    var events: [FeedEvent] = []
    var heartbeat: FeedHeartbeat?
    for message in batch {
      switch message.item {
      case .event(let event): events.append(event)
      case .heartbeat(let beat): heartbeat = beat
      case nil: break
      }
    }
    if !events.isEmpty { try await handle(events) }
    if let heartbeat { try await record(heartbeat) }
    try await reportLag()
  }

  /// Reads the lag into the metrics every ``lagSampleInterval`` and writes it to the log
  /// every ``lagReportInterval``, so that an operator sees how far behind each subscription
  /// is (in events and seconds) on a dashboard and in the service's own log lines.
  func reportLag() async throws {
    let now = ContinuousClock.now
    let (sample, log) = lagReported.withLock { last in
      let sample = last.sampled.map { now - $0 >= Self.lagSampleInterval } ?? true
      let log = sample && (last.logged.map { now - $0 >= Self.lagReportInterval } ?? true)
      if sample { last.sampled = now }
      if log { last.logged = now }
      return (sample, log)
    }
    guard sample, let lag = try await Self.lag(of: subscription.name, client: client) else {
      return
    }
    lagGauges.events.set(lag.events)
    lagGauges.seconds.set(lag.seconds)
    lagGauges.parked.set(lag.parked)
    guard log else { return }
    logger.info(
      "feed lag",
      metadata: [
        "subscription": "\(subscription.name)", "cursor": "\(lag.cursor)",
        "head": "\(lag.headCursor)", "events": "\(lag.events)",
        "seconds": "\(String(format: "%.1f", lag.seconds))", "parked": "\(lag.parked)",
      ])
  }

  /// Applies events in order, the batch in one transaction. An event that cannot be applied
  /// does not stop the feed: when a batch fails for a reason of its own (not the database's
  /// or the network's, ``isTransient(_:)``), its events are applied one at a time, and one
  /// that fails alone ``attemptsBeforeParking`` times is parked with the reason
  /// (``park(_:reason:)``) and passed.
  func handle(_ events: [FeedEvent]) async throws {
    do {
      try await applyInOneTransaction(events)
    } catch  where !Self.isTransient(error) {
      for event in events { try await applyAlone(event) }
    }
  }

  static let attemptsBeforeParking = 3

  private func applyAlone(_ event: FeedEvent) async throws {
    for attempt in 1...Self.attemptsBeforeParking {
      do {
        return try await applyInOneTransaction([event])
      } catch  where !Self.isTransient(error) {
        guard attempt < Self.attemptsBeforeParking else {
          return try await park(event, reason: error)
        }
        try await Task.sleep(for: minimumBackoff * attempt)
      }
    }
  }

  /// Applies events unless their cursor is already stored, and stores the last cursor, in
  /// one transaction; the cursor row's lock makes a concurrent applier (a former leader
  /// still finishing) wait and then skip what this one applied.
  func applyInOneTransaction(_ events: [FeedEvent]) async throws {
    let name = subscription.name
    let applied = try await client.transaction(logger: logger) { connection in
      guard let stored = try await lockCursor(on: connection) else { return 0 }
      let fresh = events.filter { $0.cursor > stored }
      let db = Database(connection, logger: logger)
      if let applyBatch, fresh.count > 1 {
        try await EventSpans.applying(batch: fresh, subscription: name) {
          try await applyBatch(fresh, name, db)
        }
      } else {
        for event in fresh {
          try await EventSpans.applying(event, subscription: name) { try await apply(event, db) }
        }
      }
      if let last = fresh.last {
        try await connection.query(
          """
          UPDATE consumer_cursors SET cursor = \(last.cursor),
            head_cursor = greatest(head_cursor, \(last.cursor)),
            last_event_at = \(last.occurredAt.date), applied_at = now(), heard_at = now()
          WHERE subscription = \(name)
          """, logger: logger)
      }
      return fresh.count
    }
    if applied > 0 { appliedCount.withLock { $0 += applied } }
  }

  private func lockCursor(on connection: PostgresConnection) async throws -> Int64? {
    try await connection.query(
      "SELECT cursor FROM consumer_cursors WHERE subscription = \(subscription.name) FOR UPDATE",
      logger: logger
    ).collect().first?.decode(Int64.self)
  }

  /// Keeps an event this service cannot apply in `parked_events`, with the reason, moves the
  /// cursor past it, and says so at error level: the operator looks, mends, and replays it by
  /// hand. The feed goes on; a consumer never loops on one event.
  func park(_ event: FeedEvent, reason error: any Error) async throws {
    let reason = Quote.brief(Self.describe(error), limit: 500)
    let parked = try await client.transaction(logger: logger) { connection in
      guard let stored = try await lockCursor(on: connection), event.cursor > stored else {
        return false
      }
      try await connection.query(
        """
        INSERT INTO parked_events (subscription, cursor, event_type, aggregate_id, reason, event)
        VALUES (\(subscription.name), \(event.cursor), \(event.type), \(event.aggregateID),
          \(reason), \(ByteBuffer(bytes: try event.serializedBytes() as [UInt8])))
        ON CONFLICT DO NOTHING
        """, logger: logger)
      try await connection.query(
        """
        UPDATE consumer_cursors SET cursor = \(event.cursor),
          head_cursor = greatest(head_cursor, \(event.cursor)), applied_at = now()
        WHERE subscription = \(subscription.name)
        """, logger: logger)
      return true
    }
    guard parked else { return }
    logger.error(
      "event parked: it cannot be applied and was set aside",
      metadata: [
        "subscription": "\(subscription.name)", "cursor": "\(event.cursor)",
        "type": "\(event.type)", "aggregate": "\(Quote.brief(event.aggregateID))",
        "reason": "\(reason)",
      ])
  }

  /// A failure as an operator reads it: PostgresNIO describes its errors generically (to
  /// keep data out of logs), so a server error is given by its SQLSTATE and message.
  static func describe(_ error: any Error) -> String {
    if let error = error as? PSQLError, let state = error.sqlState {
      return "SQLSTATE \(state): \(error.serverInfo?[.message] ?? "")"
    }
    return String(describing: error)
  }

  /// Whether a failure is the surroundings' rather than the event's: the database or the
  /// network unavailable, a serialization conflict, a cancelled task. Those are retried with
  /// the subscription; any other failure belongs to the event.
  static func isTransient(_ error: any Error) -> Bool {
    switch error {
    case is CancellationError, is RPCError: return true
    case let error as PSQLError:
      // No SQLSTATE: the connection failed. 08 connection, 40 conflict, 53 resources,
      // 57 operator intervention (shutdown), 58 system error.
      guard let state = error.sqlState else { return true }
      return ["08", "40", "53", "57", "58"].contains(String(state.prefix(2)))
    default: return false
    }
  }

  /// A heartbeat: everything up to its cursor is delivered, so filtered-out events move the
  /// cursor on too; its head tells the lag.
  private func record(_ heartbeat: FeedHeartbeat) async throws {
    try await client.query(
      """
      UPDATE consumer_cursors SET cursor = greatest(cursor, \(heartbeat.cursor)),
        head_cursor = \(heartbeat.headCursor), heard_at = now()
      WHERE subscription = \(subscription.name)
      """, logger: logger)
  }

  /// Every subscription of this service's schema, by name, with its lag as stored (one
  /// statement, however many feeds a city's supervision follows).
  public static func lags(client: PostgresClient) async throws -> [(String, ConsumerLag)] {
    try await lags(only: "", client: client)
  }

  /// The consumer's lag as stored: in events, and in seconds since the newest applied event.
  public static func lag(of subscription: String, client: PostgresClient) async throws
    -> ConsumerLag?
  {
    try await lags(only: subscription, client: client).first?.1
  }

  /// The lags of every subscription, or of `subscription` alone when it is not empty.
  private static func lags(only subscription: String, client: PostgresClient) async throws
    -> [(String, ConsumerLag)]
  {
    let rows = try await client.query(
      """
      SELECT subscription, cursor, head_cursor,
        CASE WHEN head_cursor > cursor
          THEN extract(epoch FROM now() - last_event_at)::float8 ELSE 0 END,
        (SELECT count(*) FROM parked_events p WHERE p.subscription = c.subscription),
        extract(epoch FROM now() - heard_at)::float8
      FROM consumer_cursors c WHERE \(subscription) = '' OR subscription = \(subscription)
      ORDER BY subscription
      """
    ).collect()
    return try rows.map { row in
      let (name, cursor, head, seconds, parked, silent) = try row.decode(
        (String, Int64, Int64, Double?, Int64, Double?).self)
      return (
        name,
        ConsumerLag(
          cursor: cursor, headCursor: head, seconds: seconds ?? 0, parked: parked,
          silentSeconds: silent)
      )
    }
  }
}

/// Messages read from the network and not yet applied. Bounded, so a slow database slows the
/// reader (and through HTTP/2 flow control, the producer) instead of filling memory.
final class MessageBuffer: Sendable {
  private struct State {
    var messages: [FeedMessage] = []
    var finished = false
    var failure: (any Error)?
  }
  private let state = Mutex(State())
  private let signal: AsyncStream<Void>
  private let signalContinuation: AsyncStream<Void>.Continuation
  /// Two batches: the reader fills the next while the applier applies one.
  static let capacity = 2 * FeedConsumer.batchSize

  init() {
    (signal, signalContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
  }

  func append(_ message: FeedMessage) async {
    while state.withLock({ $0.messages.count >= Self.capacity && $0.failure == nil }) {
      try? await Task.sleep(for: .milliseconds(1))
      if Task.isCancelled { return }
    }
    state.withLock { if $0.failure == nil { $0.messages.append(message) } }
    signalContinuation.yield()
  }

  /// The applier failed: stop buffering and let the reader end the subscription.
  func fail(_ error: any Error) {
    state.withLock {
      $0.failure = error
      $0.messages = []
    }
  }

  var failure: (any Error)? { state.withLock { $0.failure } }

  func finish() {
    state.withLock { $0.finished = true }
    signalContinuation.yield()
  }

  /// Up to `max` messages, waiting for at least one; nil once finished and drained.
  func take(max: Int) async -> [FeedMessage]? {
    var iterator = signal.makeAsyncIterator()
    while true {
      let (batch, finished): ([FeedMessage], Bool) = state.withLock {
        let batch = Array($0.messages.prefix(max))
        $0.messages.removeFirst(batch.count)
        return (batch, $0.finished)
      }
      if !batch.isEmpty { return batch }
      if finished || Task.isCancelled { return nil }
      guard await iterator.next() != nil else { return nil }
    }
  }
}
