import Foundation
public import HallContracts
import HallDatabase
public import Logging
public import PostgresNIO
import SwiftProtobuf
import Prometheus
import Synchronization

/// The producer side of a service's event feed (REL-2).
///
/// The ordering trap: positions taken before commit let a later position commit first, and a
/// reader that has moved past it would skip the earlier one for ever. Here an outbox row has
/// no position until its transaction has committed: the sequencer numbers the committed,
/// unnumbered rows in insertion order, one pass at a time under an advisory lock, so every
/// position a reader can see is final and nothing can later appear below it. Two changes to
/// one aggregate are serialised by the aggregate's row lock, so the second row is inserted
/// after the first committed and is numbered in a later pass, or after it in the same one.
public final class OutboxFeed: Sendable {
  public let producer: String
  let client: PostgresClient
  let schema: String
  let logger: Logger
  let metrics: ServiceMetrics
  private let state = Mutex<State>(State())

  private struct State {
    var stopping = false
    var generation: UInt64 = 0
    var waiters: [CheckedContinuation<UInt64, Never>] = []
    /// The poll asked for a pass: open streams are woken after it, whether or not its
    /// notification arrives.
    var pollPending = false
  }

  /// Rows numbered per pass; a backlog takes several passes.
  static let passSize = 5000
  /// How often open streams look for new events without a notification.
  static let pollInterval = Duration.seconds(1)
  /// The shortest time from one pass to the next. Each pass costs every stage after it
  /// again (its notification, a read per open stream, a transaction per consumer), about
  /// 2 ms of CPU in all; under a steady stream of commits a pass per commit or two made that
  /// CPU, on a small machine, the lag itself. Passes this far apart number several events
  /// each, and an event waits at most this long for one; a commit after a quiet spell is
  /// numbered at once.
  static let passInterval = Duration.milliseconds(20)

  public init(
    client: PostgresClient, schema: String, producer: String, logger: Logger,
    metrics: ServiceMetrics = ServiceMetrics()
  ) {
    self.client = client
    self.schema = schema
    self.producer = producer
    self.logger = logger
    self.metrics = metrics
  }

  /// Runs the sequencer and the wake-ups of open streams until cancelled.
  public func run() async {
    await withDiscardingTaskGroup { group in
      group.addTask { await self.keepListening(on: OutboxChannels.numbered) { self.bump() } }
      // Appends arrive in bursts: notifications only mark work as pending, and one worker
      // numbers everything pending in as few passes as it can.
      let (pending, signal) = AsyncStream.makeStream(
        of: Void.self, bufferingPolicy: .bufferingNewest(1))
      group.addTask {
        await self.keepListening(on: OutboxChannels.appended) { signal.yield() }
        signal.finish()
      }
      group.addTask {
        for await _ in pending {
          let polled = self.state.withLock { state in
            defer { state.pollPending = false }
            return state.pollPending
          }
          let started = ContinuousClock.now
          await self.numberAll()
          if polled { self.bump() }
          try? await Task.sleep(until: started + Self.passInterval, clock: .continuous)
        }
      }
      group.addTask {
        // Polling fallback: a lost notification delays an event by at most this long. The
        // poll goes through the one worker too: a pass of its own would hold the lock while
        // the worker's pass for a new commit found it taken, and that commit would then
        // wait for the next notification or poll.
        while !Task.isCancelled {
          self.state.withLock { $0.pollPending = true }
          signal.yield()
          try? await Task.sleep(for: Self.pollInterval)
        }
      }
      group.addTask {
        while !Task.isCancelled {
          await self.sampleBacklog()
          try? await Task.sleep(for: Self.sampleInterval)
        }
      }
    }
  }

  /// How often the outbox's backlog and head are read for the metrics.
  static let sampleInterval = Duration.seconds(5)

  /// Reads the committed events still without a position (both index-only: the partial index
  /// of unnumbered rows and the unique index of positions) into the metrics' gauges.
  func sampleBacklog() async {
    do {
      let rows = try await client.query(
        """
        SELECT (SELECT count(*) FROM outbox WHERE position IS NULL)::int8,
          (SELECT coalesce(max(position), 0) FROM outbox)::int8
        """, logger: logger)
      for try await (backlog, head) in rows.decode((Int64, Int64).self) {
        let gauges = metrics.outbox
        gauges.backlog.set(backlog)
        gauges.head.set(head)
      }
    } catch {
      if !Task.isCancelled {
        logger.debug("outbox sample failed", metadata: ["error": "\(error)"])
      }
    }
  }

  /// Listens on a channel, calling `onNotification` for each, reconnecting after failures.
  private func keepListening(
    on channel: String, _ onNotification: @escaping @Sendable () async -> Void
  ) async {
    while !Task.isCancelled {
      do {
        try await client.withConnection { connection in
          try await connection.listen(on: channel + schema) { notifications in
            for try await _ in notifications { await onNotification() }
          }
        }
      } catch {
        if Task.isCancelled { return }
        logger.warning("outbox listener failed; retrying", metadata: ["error": "\(error)"])
        try? await Task.sleep(for: .milliseconds(500))
      }
    }
  }

  /// Numbers every committed row that has no position yet.
  func numberAll() async {
    do {
      while try await numberPass() == Self.passSize {}
    } catch {
      if !Task.isCancelled {
        logger.warning("outbox sequencer pass failed", metadata: ["error": "\(error)"])
      }
    }
  }

  /// One pass; returns how many rows it numbered (0 when another instance holds the lock).
  @discardableResult
  func numberPass() async throws -> Int {
    let lockKey = "hall.outbox.sequencer.\(schema)"
    return try await client.transaction(logger: logger) { connection in
      // Bitmap scans are off for this transaction only. The planner cannot know that nearly
      // every entry it would read for "position IS NULL" belongs to a row numbered since the
      // last vacuum: a bitmap scan visits all of them on every pass, so a pass costs more
      // the busier the outbox is. An index scan in id order marks them dead as it passes,
      // and later passes skip them.
      let locked = try await connection.prepared(
        """
        SELECT pg_try_advisory_xact_lock(hashtext(\(lockKey))),
          set_config('enable_bitmapscan', 'off', true)
        """, logger: logger)
      guard let row = locked.first else { return 0 }
      let (acquired, _) = try row.decode((Bool, String).self)
      guard acquired else { return 0 }
      // The rows are joined by their ids as an array: its length is unknown to the planner
      // (it assumes a few rows), so each is found through the primary key. A join on a
      // subquery instead was planned as a hash join over a scan of the whole outbox, the
      // producer's entire history, on every pass. Open streams are notified by the same
      // statement (when it numbered anything): a pass is on the way of every event, and each
      // of its round trips adds to every event's lag.
      let rows = try await connection.prepared(
        """
        WITH base AS (SELECT coalesce(max(position), 0) AS b FROM outbox),
        next AS (
          SELECT v.id, v.n FROM unnest(ARRAY(
            SELECT id FROM outbox WHERE position IS NULL ORDER BY id LIMIT \(Self.passSize)
          )) WITH ORDINALITY AS v(id, n)),
        numbered AS (
          UPDATE outbox o SET position = base.b + next.n FROM next, base WHERE o.id = next.id
          RETURNING o.event_type)
        SELECT event_type, count(*)::int8,
          pg_notify(\(OutboxChannels.numbered) || current_schema(), '')
        FROM numbered GROUP BY event_type
        """, logger: logger)
      // Counted by type as they are numbered: each committed event once, for the metrics.
      let counts = try rows.map { row in
        let (type, count) = try row.decode((String, Int64).self)
        return (type: type, count: count)
      }
      metrics.sequenced(counts)
      return Int(counts.reduce(0) { $0 + $1.count })
    }
  }

  // MARK: - Readers

  /// Ends open streams (their consumers reconnect, to another instance) so that a graceful
  /// shutdown is not held up by subscriptions that never end by themselves.
  public func beginShutdown() {
    state.withLock { $0.stopping = true }
    bump()
  }

  public var isStopping: Bool { state.withLock { $0.stopping } }

  /// The current generation: it grows whenever new events may have been numbered.
  public var generation: UInt64 { state.withLock { $0.generation } }

  private func bump() {
    let (waiters, generation) = state.withLock { state in
      state.generation += 1
      let waiters = state.waiters
      state.waiters = []
      return (waiters, state.generation)
    }
    for waiter in waiters { waiter.resume(returning: generation) }
  }

  /// Waits until the generation has moved past `generation` (at most one poll interval).
  public func waitForChange(after generation: UInt64) async -> UInt64 {
    await withCheckedContinuation { continuation in
      let current: UInt64? = state.withLock { state in
        if state.generation > generation { return state.generation }
        state.waiters.append(continuation)
        return nil
      }
      if let current { continuation.resume(returning: current) }
    }
  }

  /// Numbered events after `cursor`, in order; when `addressedTo` is given (a deployment
  /// below reading, ``Outbox/Entry/audience``), only those addressed to its region, up to
  /// `through`.
  public func read(
    after cursor: Int64, limit: Int, addressedTo audience: (region: String, through: Int64)? = nil
  ) async throws -> [FeedEvent] {
    let rows = try await client.query(
      """
      SELECT position, event_type, aggregate_id, occurred_at, payload_type, payload,
        traceparent, tracestate
      FROM outbox WHERE position > \(cursor)
        AND (\(audience?.region)::text IS NULL
          OR (audience = \(audience?.region) AND position <= \(audience?.through)))
      ORDER BY position LIMIT \(limit)
      """, logger: logger
    ).collect()
    return try rows.map { row in
      let (position, type, aggregate, occurred, payloadType, payload, parent, state) =
        try row.decode((Int64, String, String, Date, String, ByteBuffer, String?, String?).self)
      return .with {
        $0.producer = producer
        $0.cursor = position
        $0.type = type
        $0.aggregateID = aggregate
        $0.occurredAt = .init(date: occurred)
        $0.payload = .with {
          $0.typeURL = "type.googleapis.com/" + payloadType
          $0.value = Data(payload.readableBytesView)
        }
        if let parent { $0.traceContext["traceparent"] = parent }
        if let state { $0.traceContext["tracestate"] = state }
      }
    }
  }

  /// The newest numbered position.
  public func head() async throws -> Int64 {
    let rows = try await client.query(
      "SELECT coalesce(max(position), 0) FROM outbox", logger: logger
    )
    .collect()
    return try rows[0].decode(Int64.self)
  }
}
