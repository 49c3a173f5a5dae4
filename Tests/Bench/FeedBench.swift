import ArgumentParser
import Foundation
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SwiftProtobuf

/// `hall-bench feed`: how fast a consumer replays a producer's history, and how long an event
/// takes from its producer's commit to its consumer's apply under a steady write load (REL-2).
struct FeedBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "feed",
    abstract: "Replay rate of an outbox backlog; commit-to-applied lag under steady writes.",
    discussion: """
      Runs against a throw-away PostgreSQL cluster (deploy/local-postgres.sh in a temporary \
      folder) with the producer in-process, as the feed tests do; it never touches a running \
      deployment. The backlog is replayed twice from cursor 0: by a consumer that stores \
      nothing but its cursor (the feed's own rate) and by one that inserts a row per event \
      (a replica). The steady load then runs on the same producer, history included, and \
      that replica. Targets: replay ≥ 20 000 events/s, lag p99 ≤ 250 ms.
      """)

  @Option(help: "Events in the backlog replayed from cursor 0 (0 skips the replay).")
  var backlog = 100_000

  @Option(help: "Events per second committed under load, one per transaction.")
  var rate = 1_000

  @Option(help: "Seconds the steady write load lasts (0 skips the lag measurement).")
  var seconds: Double = 30

  @Option(help: "Writer tasks sharing the paced schedule, each on its own connection.")
  var writers = 8

  @Option(help: "Write each event's commit and apply times under load to this CSV file.")
  var trace: String?

  @Flag(help: "Also print the figures as one JSON line.")
  var json = false

  func validate() throws {
    guard backlog >= 0 else { throw ValidationError("--backlog must not be negative") }
    guard rate > 0 else { throw ValidationError("--rate must be positive") }
    guard seconds >= 0 else { throw ValidationError("--seconds must not be negative") }
    guard (1...200).contains(writers) else { throw ValidationError("--writers: 1 to 200") }
  }

  func run() async throws {
    HallBench.bootstrap()
    let parameters = FeedBenchParameters(
      backlog: backlog, rate: rate, seconds: seconds, writers: writers, trace: trace)
    var report = FeedBenchReport(machine: .current, parameters: parameters)
    emit("hall-bench feed: the event feed (REL-2), producer and consumer in this process")
    emit("machine     \(report.machine.summary)")
    emit("parameters  \(parameters.summary)")
    report = try await TestService.with(FeedBenchFixture.producer) { [report] producer in
      var report = report
      let database = try await TestCluster.shared.makeDatabase(service: "rating")
      try await database.withClient { client in
        try await Migrator.migrate(
          FeedBenchFixture.consumerMigrations, schema: "rating", client: client,
          logger: FeedBenchFixture.logger)
      }
      if parameters.backlog > 0 {
        let replay = try await FeedReplay(parameters: parameters).measure(
          producer: producer, consumerDatabase: database)
        report.replay = replay
        emit()
        replay.print()
      }
      if parameters.seconds > 0 {
        let lag = try await FeedLag(parameters: parameters).measure(
          producer: producer, consumerDatabase: database)
        report.lag = lag
        emit()
        lag.print(targetMet: report.lagTargetMet)
      }
      return report
    }
    if json { emit(try jsonLine(report)) }
  }
}

struct FeedBenchParameters: Sendable, Codable {
  var backlog: Int
  var rate: Int
  var seconds: Double
  var writers: Int
  var trace: String?

  var summary: String {
    let duration = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    return "--backlog \(backlog) --rate \(rate) --seconds \(duration) --writers \(writers)"
  }
}

/// Everything a run found, for the JSON line.
struct FeedBenchReport: Encodable {
  static let replayTarget = 20_000.0
  static let lagP99TargetMilliseconds = 250.0

  var machine: Machine
  var parameters: FeedBenchParameters
  var replay: FeedReplay.Figures?
  var lag: FeedLag.Figures?

  var lagTargetMet: Bool? {
    lag.map { $0.complete && ($0.lag.p99 ?? .infinity) <= Self.lagP99TargetMilliseconds }
  }

  enum CodingKeys: String, CodingKey {
    case machine, parameters, replay, lag, replayTargetMet, lagTargetMet
  }

  init(machine: Machine, parameters: FeedBenchParameters) {
    self.machine = machine
    self.parameters = parameters
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(machine, forKey: .machine)
    try container.encode(parameters, forKey: .parameters)
    try container.encodeIfPresent(replay, forKey: .replay)
    try container.encodeIfPresent(lag, forKey: .lag)
    try container.encodeIfPresent(replay?.targetMet, forKey: .replayTargetMet)
    try container.encodeIfPresent(lagTargetMet, forKey: .lagTargetMet)
  }
}

/// A producer that is nothing but an outbox (intake's role and schema) and a consumer schema
/// (rating's) with a table for the events a replica applies, as in the feed tests.
enum FeedBenchFixture {
  static let producer = OutboxProducer.definition

  static let consumerMigrations = [
    Migration(version: 1, name: "platform tables", statements: PlatformTables.allSteps),
    Migration(
      version: 2, name: "applied",
      statements: [
        "CREATE TABLE applied (aggregate_id text PRIMARY KEY, cursor bigint NOT NULL UNIQUE)"
      ]),
  ]

  static let eventType = "bench.thing.changed"

  /// What a consumer does with each event besides storing its cursor.
  enum Work: Sendable {
    /// Nothing: what is measured is the feed alone.
    case cursorOnly
    /// A row in the consumer's own schema, as a replica keeps.
    case insert
  }

  static var logger: Logger {
    var logger = Logger(label: "bench.feed")
    logger.logLevel = .warning
    return logger
  }

  /// Commits one event in a transaction of its own, as a producer's handler would.
  static func commit(_ aggregate: String, client: PostgresClient) async throws {
    try await client.transaction(logger: logger) { connection in
      try await Outbox.append(
        type: eventType, aggregateID: aggregate,
        payload: Hall_Common_V1_FieldViolation.with { $0.field = aggregate },
        at: Date(), on: connection, logger: logger)
    }
  }

  /// A consumer of the producer on `port` under the subscription `name`, calling `applied`
  /// with each event's aggregate id once its effect is written (inside the batch's
  /// transaction, just before it commits).
  static func consumer(
    _ name: String, port: Int, database: PostgresClient, work: Work,
    applied: @escaping @Sendable (String) -> Void = { _ in }
  ) -> FeedConsumer {
    let logger = logger
    return FeedConsumer(
      subscription: FeedSubscription(
        name: name, host: "127.0.0.1", port: port,
        token: TestKeys.token(.service, subject: "bench")),
      client: database, logger: logger
    ) { event, db in
      // Decoding is part of any real consumer's work.
      _ = try Hall_Common_V1_FieldViolation(unpackingAny: event.payload)
      if work == .insert {
        try await db.perform(
          "INSERT INTO applied (aggregate_id, cursor) VALUES (\(event.aggregateID), \(event.cursor))"
        )
      }
      applied(event.aggregateID)
    }
  }

  /// The stored cursor of the subscription `name`.
  static func cursor(_ name: String, client: PostgresClient) async throws -> Int64 {
    try await FeedConsumer.lag(of: name, client: client)?.cursor ?? 0
  }

  /// Runs `consumer` while `body` runs, then stops it and waits until it has.
  static func whileConsuming<Result: Sendable>(
    _ consumer: FeedConsumer, _ body: () async throws -> Result
  ) async throws -> Result {
    let running = Task { try await consumer.run() }
    do {
      let result = try await body()
      running.cancel()
      _ = await running.result
      return result
    } catch {
      running.cancel()
      _ = await running.result
      throw error
    }
  }
}

/// Part 1: consumers that start from cursor 0 on a producer with a long history.
struct FeedReplay {
  struct Rate: Codable {
    /// From starting the consumer until its stored cursor reached the head.
    var seconds: Double
    var eventsPerSecond: Double
    var usage: Usage
  }

  struct Figures: Codable {
    var events: Int
    /// From the bulk insert's commit until the sequencer had numbered every row.
    var sequencingSeconds: Double
    /// A consumer that stores nothing but its cursor: the feed's own rate.
    var feed: Rate
    /// A consumer that inserts a row per event in its own schema, as FeedBacklogTests' does.
    var replica: Rate

    /// Against the target: the feed's own rate; a replica's depends on what it does.
    var targetMet: Bool { feed.eventsPerSecond >= FeedBenchReport.replayTarget }

    func print() {
      func line(_ label: String, _ rate: Rate) -> String {
        label + "\(grouped(Int(rate.eventsPerSecond.rounded()))) events/s"
          + " (\(fixed(rate.seconds, 2)) s)"
      }
      emit("Replay: new consumers from cursor 0 to the head of a \(grouped(events))-event backlog")
      emit("  sequencer numbered the backlog in  \(fixed(sequencingSeconds, 2)) s")
      emit(
        line("  feed alone (cursor only)           ", feed)
          + "   target ≥ \(grouped(Int(FeedBenchReport.replayTarget))): "
          + (targetMet ? "met" : "MISSED"))
      emit("    CPU per event  \(feed.usage.perEventLine)")
      emit("    the machine    \(feed.usage.machineLine)")
      emit(line("  replica (one INSERT per event)     ", replica))
      emit("    CPU per event  \(replica.usage.perEventLine)")
      emit("    the machine    \(replica.usage.machineLine)")
    }
  }

  let parameters: FeedBenchParameters

  func measure(producer: TestService, consumerDatabase: DatabaseSettings) async throws -> Figures {
    let count = parameters.backlog
    progress("writing a backlog of \(grouped(count)) events")
    let sequencing = try await producer.database.withClient { client in
      // In bulk, as years of a producer's history would be (FeedBacklogTests does the same).
      let payload: [UInt8] = try Hall_Common_V1_FieldViolation.with { $0.field = "bulk" }
        .serializedBytes()
      try await client.query(
        """
        INSERT INTO outbox (event_type, aggregate_id, payload_type, payload)
        SELECT \(FeedBenchFixture.eventType), 'bulk-' || i,
          \(Hall_Common_V1_FieldViolation.protoMessageName), \(ByteBuffer(bytes: payload))
        FROM generate_series(1, \(count)) i
        """)
      let written = ContinuousClock.now
      try await client.query(
        "SELECT pg_notify(\(OutboxChannels.appended) || current_schema(), '')")
      let numbered = try await waitUntil(timeout: .seconds(600)) {
        let rows = try await client.query("SELECT coalesce(max(position), 0) FROM outbox")
          .collect()
        return try rows[0].decode(Int64.self) >= Int64(count)
      }
      guard numbered else { throw BenchError("the sequencer did not number the backlog") }
      return ContinuousClock.now - written
    }
    return try await consumerDatabase.withClient { client in
      progress("replaying it into a consumer that stores only its cursor")
      let feed = try await Self.replay(
        count, as: "feed", work: .cursorOnly, producer: producer, client: client)
      progress("replaying it into a replica")
      let replica = try await Self.replay(
        count, as: FeedLag.subscription, work: .insert, producer: producer, client: client)
      let rows = try await client.query("SELECT count(*)::int8 FROM applied").collect()
      let applied = try rows[0].decode(Int64.self)
      guard applied == Int64(count) else {
        throw BenchError("the replica applied \(applied) of \(count) events")
      }
      return Figures(
        events: count, sequencingSeconds: sequencing.seconds, feed: feed, replica: replica)
    }
  }

  /// Times a new subscription `name` from cursor 0 until its stored cursor reaches `count`.
  static func replay(
    _ count: Int, as name: String, work: FeedBenchFixture.Work, producer: TestService,
    client: PostgresClient
  ) async throws -> Rate {
    let consumer = FeedBenchFixture.consumer(
      name, port: producer.port, database: client, work: work)
    let before = CPUTime.now
    let started = ContinuousClock.now
    let (elapsed, after) = try await FeedBenchFixture.whileConsuming(consumer) {
      let caughtUp = try await waitUntil(timeout: .seconds(900)) {
        try await FeedBenchFixture.cursor(name, client: client) >= Int64(count)
      }
      guard caughtUp else { throw BenchError("\(name) did not catch up in 15 minutes") }
      return (ContinuousClock.now - started, CPUTime.now)
    }
    return Rate(
      seconds: elapsed.seconds, eventsPerSecond: Double(count) / elapsed.seconds,
      usage: Usage(from: before, to: after, events: count))
  }
}

/// Part 2: a replica keeping up with a producer that commits at a steady rate.
struct FeedLag {
  /// The replica's subscription; after a replay it starts at the head.
  static let subscription = "replica"

  struct Summary: Codable {
    var min: Double?
    var mean: Double?
    var p50: Double?
    var p90: Double?
    var p99: Double?
    var max: Double?

    init(_ sample: Percentiles) {
      min = sample.min
      mean = sample.mean
      p50 = sample.value(at: 50)
      p90 = sample.value(at: 90)
      p99 = sample.value(at: 99)
      max = sample.max
    }

    var line: String {
      func ms(_ value: Double?) -> String { value.map { fixed($0, 1) + " ms" } ?? "n/a" }
      return "p50 \(ms(p50))  p90 \(ms(p90))  p99 \(ms(p99))  max \(ms(max))"
    }
  }

  struct Figures: Codable {
    /// Events already in the outbox when the load started.
    var history: Int
    var scheduled: Int
    var committed: Int
    /// Committed events the consumer applied before the run gave up waiting.
    var applied: Int
    /// From the first scheduled commit to the last actual one.
    var writeSeconds: Double
    var achievedRate: Double
    /// Milliseconds from the writer's commit returning to the consumer's apply.
    var lag: Summary
    /// Milliseconds a writer's transaction took, begin to commit.
    var commitTime: Summary
    /// From the start of the load until the last event was applied.
    var usage: Usage?

    var complete: Bool { applied == committed && committed == scheduled }

    func print(targetMet: Bool?) {
      emit(
        "Lag: one event per transaction at a steady rate, commit to applied "
          + "(\(grouped(history)) events of history)")
      emit(
        "  committed        \(grouped(committed)) of \(grouped(scheduled)) events in "
          + "\(fixed(writeSeconds, 2)) s = \(fixed(achievedRate, 1)) events/s")
      emit("  applied          \(grouped(applied)) of \(grouped(committed))")
      emit("  writer's commit  \(commitTime.line)")
      if let usage {
        emit("  CPU per event    \(usage.perEventLine)")
        emit("  the machine      \(usage.machineLine)")
      }
      emit(
        "  lag              \(lag.line)   target p99 ≤ "
          + "\(Int(FeedBenchReport.lagP99TargetMilliseconds)) ms: "
          + (targetMet == true ? "met" : "MISSED"))
    }
  }

  let parameters: FeedBenchParameters

  func measure(producer: TestService, consumerDatabase: DatabaseSettings) async throws -> Figures {
    let parameters = parameters
    let committed = Timeline()
    let applied = Timeline()
    let writerSettings = {
      var settings = producer.database
      settings.maxConnections = parameters.writers + 2
      return settings
    }()
    return try await consumerDatabase.withClient { consumerClient in
      let consumer = FeedBenchFixture.consumer(
        Self.subscription, port: producer.port, database: consumerClient, work: .insert
      ) { applied.record($0) }
      return try await FeedBenchFixture.whileConsuming(consumer) {
        let (load, before) = try await writerSettings.withClient { writerClient in
          try await Self.warmUp(parameters, client: writerClient, applied: applied)
          let before = CPUTime.now
          progress("writing \(parameters.rate) events/s for \(fixed(parameters.seconds, 0)) s")
          let load = try await Self.write(parameters, client: writerClient, committed: committed)
          return (load, before)
        }
        progress("waiting for the consumer to apply the last events")
        // The warm-up events were applied before the clock started.
        let target = parameters.writers + load.committed
        _ = try await waitUntil(timeout: .seconds(max(60, parameters.seconds))) {
          applied.count >= target
        }
        let after = CPUTime.now
        if let trace = parameters.trace {
          try Self.writeTrace(to: trace, load, committed: committed, applied: applied)
        }
        var figures = Self.figures(load, committed: committed, applied: applied)
        figures.history = parameters.backlog
        figures.usage = Usage(from: before, to: after, events: load.committed)
        return figures
      }
    }
  }

  /// Opens every writer's connection and the consumer's stream before the clock starts, so
  /// the figures are of a running system rather than of connection set-up.
  static func warmUp(
    _ parameters: FeedBenchParameters, client: PostgresClient, applied: Timeline
  ) async throws {
    let ids = (0..<parameters.writers).map { "warmup-\($0)" }
    try await withThrowingTaskGroup(of: Void.self) { group in
      for id in ids { group.addTask { try await FeedBenchFixture.commit(id, client: client) } }
      try await group.waitForAll()
    }
    let ready = try await waitUntil(timeout: .seconds(120)) { ids.allSatisfy(applied.contains) }
    guard ready else { throw BenchError("the consumer did not apply the warm-up events") }
  }

  struct Load {
    var scheduled: Int
    var committed: Int
    var started: ContinuousClock.Instant
    var lastCommit: ContinuousClock.Instant
    var commitMilliseconds: [Double]
  }

  /// Writers take the next slot of one schedule (event i is due at start + i / rate) and
  /// commit it when due: an open-loop load, so a slow commit delays that writer, not the rate,
  /// as long as some writer is free.
  static func write(
    _ parameters: FeedBenchParameters, client: PostgresClient, committed: Timeline
  ) async throws -> Load {
    let total = Int((Double(parameters.rate) * parameters.seconds).rounded())
    let interval = Duration.seconds(1) / parameters.rate
    let ticket = Ticket()
    let started = ContinuousClock.now + .milliseconds(20)
    let durations = try await withThrowingTaskGroup(of: [Double].self) { group in
      for _ in 0..<parameters.writers {
        group.addTask {
          var durations: [Double] = []
          while true {
            let index = ticket.take()
            guard index < total else { return durations }
            try await Task.sleep(until: started + interval * index, clock: .continuous)
            let id = "lag-\(index)"
            let begun = ContinuousClock.now
            try await FeedBenchFixture.commit(id, client: client)
            let done = ContinuousClock.now
            committed.record(id, at: done)
            durations.append((done - begun).milliseconds)
          }
        }
      }
      var all: [Double] = []
      for try await part in group { all += part }
      return all
    }
    let lastCommit = committed.snapshot.values.max() ?? started
    return Load(
      scheduled: total, committed: durations.count, started: started, lastCommit: lastCommit,
      commitMilliseconds: durations)
  }

  /// One line per event in commit order, milliseconds since the first scheduled commit: the
  /// shape of the lag over time (steady, growing, or in periodic steps) says where it comes
  /// from, which its percentiles cannot.
  static func writeTrace(
    to path: String, _ load: Load, committed: Timeline, applied: Timeline
  ) throws {
    let applies = applied.snapshot
    var lines = ["event,committed_ms,applied_ms,lag_ms"]
    for (id, commit) in committed.snapshot.sorted(by: { $0.value < $1.value }) {
      let apply = applies[id]
      let columns = [
        id, fixed((commit - load.started).milliseconds, 3),
        apply.map { fixed(($0 - load.started).milliseconds, 3) } ?? "",
        apply.map { fixed(($0 - commit).milliseconds, 3) } ?? "",
      ]
      lines.append(columns.joined(separator: ","))
    }
    let text = lines.joined(separator: "\n") + "\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  static func figures(_ load: Load, committed: Timeline, applied: Timeline) -> Figures {
    let commits = committed.snapshot
    let applies = applied.snapshot
    var lags: [Double] = []
    lags.reserveCapacity(commits.count)
    for (id, commit) in commits {
      if let apply = applies[id] { lags.append((apply - commit).milliseconds) }
    }
    let writeSeconds = (load.lastCommit - load.started).seconds
    return Figures(
      history: 0, scheduled: load.scheduled, committed: load.committed, applied: lags.count,
      writeSeconds: writeSeconds,
      achievedRate: writeSeconds > 0 ? Double(load.committed) / writeSeconds : 0,
      lag: Summary(Percentiles(lags)), commitTime: Summary(Percentiles(load.commitMilliseconds)))
  }
}
