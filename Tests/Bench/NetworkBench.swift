import ArgumentParser
import Foundation
import HallAuth
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SupervisionService
import SwiftProtobuf
import Synchronization

/// `hall-bench network`: the network of halls (FED-3). How fast a city's supervision takes
/// a district's backlog of intake events, with its rules and figures doing their real work,
/// and how far behind the districts it stays under a steady load in two of them.
struct NetworkBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "network",
    abstract: "A city's supervision catching up with a district; district-to-city lag.",
    discussion: """
      Runs against a throw-away PostgreSQL cluster with every deployment in-process: each \
      district is its intake's outbox and feed (the events are the ones intake writes for a \
      window case, received then accepted, so the city's supervision judges them as it \
      judges a real district's), the city is its real supervision service following them \
      over the link, with the city's link token. Part 1 replays a backlog from cursor 0; \
      part 2 commits cases at a steady rate in two districts and times each event from its \
      commit at the district to its apply at the city. Targets: catch-up ≥ 20 000 events/s, \
      lag p99 ≤ 1 s at 200 cases/s.
      """)

  @Option(help: "Events in the district's backlog (two per case; 0 skips the catch-up).")
  var backlog = 100_000

  @Option(help: "Cases per second across the two districts under load.")
  var rate = 200

  @Option(help: "Seconds the steady load lasts (0 skips the lag measurement).")
  var seconds: Double = 30

  @Flag(help: "Also print the figures as one JSON line.")
  var json = false

  func validate() throws {
    guard backlog >= 0, backlog % 2 == 0 else {
      throw ValidationError("--backlog must be an even number, 0 or more (two events a case)")
    }
    guard (1...5000).contains(rate) else { throw ValidationError("--rate: 1 to 5000") }
    guard seconds >= 0 else { throw ValidationError("--seconds must not be negative") }
  }

  func run() async throws {
    HallBench.bootstrap()
    var report = NetworkBenchReport(
      machine: .current, backlog: backlog, rate: rate, seconds: seconds)
    emit("hall-bench network: a city's supervision and its districts (FED-3), in this process")
    emit("machine     \(report.machine.summary)")
    emit("parameters  --backlog \(backlog) --rate \(rate) --seconds \(seconds)")
    if backlog > 0 {
      let catchUp = try await NetworkCatchUp(events: backlog).measure()
      report.catchUp = catchUp
      emit()
      catchUp.print()
    }
    if seconds > 0 {
      let lag = try await NetworkLag(rate: rate, seconds: seconds).measure()
      report.lag = lag
      emit()
      lag.print()
    }
    if json { emit(try jsonLine(report)) }
  }
}

struct NetworkBenchReport: Encodable {
  static let catchUpTarget = 20_000.0
  static let lagP99TargetMilliseconds = 1000.0

  var machine: Machine
  var backlog: Int
  var rate: Int
  var seconds: Double
  var catchUp: NetworkCatchUp.Figures?
  var lag: NetworkLag.Figures?
}

/// The network the bench builds: districts that are an intake outbox each, and the city's
/// supervision following them.
enum BenchNetwork {
  static let city = "puyang-city"

  static var logger: Logger {
    var logger = Logger(label: "bench.network")
    logger.logLevel = .warning
    return logger
  }

  /// A district's intake: its outbox and feed, which trusts the city above it.
  static func district(_ name: String, region: String) async throws -> TestService {
    let network = try TestNetwork.file([
      "parent": TestNetwork.neighbour(city, level: "city", region: "410900")
    ])
    return try await TestService.start(
      OutboxProducer.definition,
      options: ["LEVEL": "district", "REGION_CODE": region, "NETWORK_FILE": network],
      deployment: name)
  }

  /// The city's supervision, following `districts` (name, region, intake port). Its own
  /// hall's feeds are not running: their addresses lead nowhere.
  static func citySupervision(districts: [(String, String, Int)]) async throws -> TestService {
    let network = try TestNetwork.file([
      "children": districts.map { name, region, port in
        TestNetwork.neighbour(
          name, level: "district", region: region, addresses: ["intake": "127.0.0.1:\(port)"])
      }
    ])
    // Each feed it follows holds a connection for its lock and another while it applies:
    // a city of two districts needs more than the tests' default pool.
    var database = try await TestCluster.shared.makeDatabase(service: "supervision")
    database.maxConnections = 40
    return try await TestService.start(
      Supervision.definition, database: database,
      options: [
        "LEVEL": "city", "REGION_CODE": "410900", "NETWORK_FILE": network,
        "LINK_TOKEN": TestKeys.token(.districtLink, subject: city, deployment: city),
        "CATALOG_ADDR": "127.0.0.1:1", "INTAKE_ADDR": "127.0.0.1:1", "RATING_ADDR": "127.0.0.1:1",
      ], deployment: city)
  }

  /// The case a district's window takes as number `n`, received at `at`, and the same case
  /// accepted a minute later: the payloads of intake's two events.
  static func windowCase(_ n: Int, region: String, at received: Date) -> (Case, Case) {
    let number = "\(region)-HL-SCJG-004-20261124-\(String(format: "%06d", n))"
    var kase = Hall_Intake_V1_Case.with {
      $0.caseNumber = number
      $0.itemCode = "HL-SCJG-004"
      $0.itemVersion = 1
      $0.itemName = "食品经营许可"
      $0.departmentID = "hl-scjgj"
      $0.hallID = "hl-hall"
      $0.windowID = "W01"
      $0.channel = .window
      $0.applicant = .with {
        $0.kind = .citizen
        $0.idNumber = "410102199003071230"
        $0.name = "张伟"
      }
      $0.state = .received
      $0.category = .promised
      $0.caseKind = .promised
      $0.receiveTime = .init(date: received)
      $0.receivedBy = "clerk-w01"
      $0.maxVisits = 1
      $0.visits = [.with { $0.time = .init(date: received) }]
    }
    let receivedCase = kase
    let accepted = received.addingTimeInterval(60)
    kase.state = .accepted
    kase.acceptTime = .init(date: accepted)
    kase.acceptedBy = "clerk-w01"
    kase.deadline = .with {
      $0.budgetWorkingDays = 5
      $0.statutoryWorkingDays = 20
      $0.startTime = .init(date: accepted)
      $0.dueTime = .init(date: accepted.addingTimeInterval(7 * 86400))
    }
    return (receivedCase, kase)
  }

  typealias Case = Hall_Intake_V1_Case

  /// The events of `kase` received and accepted, for intake's outbox.
  static func events(_ received: Case, _ accepted: Case) -> [Outbox.Entry] {
    [
      .init(
        type: "intake.case.received", aggregateID: received.caseNumber, payload: received,
        at: received.receiveTime.date),
      .init(
        type: "intake.case.accepted", aggregateID: accepted.caseNumber, payload: accepted,
        at: accepted.acceptTime.date),
    ]
  }

  /// Runs `body`, then stops `service` whether it threw or not.
  static func stopping<Result: Sendable>(
    _ service: TestService, _ body: () async throws -> Result
  ) async throws -> Result {
    do {
      let result = try await body()
      try await service.stop()
      return result
    } catch {
      try? await service.stop()
      throw error
    }
  }

  /// A district's head once its sequencer has numbered every event written to its outbox.
  static func numberedHead(_ client: PostgresClient, within timeout: Duration = .seconds(60))
    async throws -> Int64
  {
    var head: Int64 = 0
    let numbered = try await waitUntil(timeout: timeout) {
      let (count, max) = try await client.query(
        "SELECT count(*)::int8, coalesce(max(position), 0) FROM outbox"
      ).collect()[0].decode((Int64, Int64).self)
      head = max
      return count == max
    }
    guard numbered else { throw BenchError("a district's sequencer did not number its events") }
    return head
  }

  /// The city's stored cursor of `subscription`.
  static func cursor(_ subscription: String, client: PostgresClient) async throws -> Int64 {
    try await FeedConsumer.lag(of: subscription, client: client)?.cursor ?? 0
  }
}

/// Part 1: the city's supervision follows a district whose feed already holds a backlog.
struct NetworkCatchUp {
  struct Figures: Codable {
    var events: Int
    var cases: Int
    /// From the city's supervision serving until its cursor reached the district's head (the
    /// events it applied while starting are left out of the rate).
    var seconds: Double
    var eventsPerSecond: Double
    var usage: Usage
    var targetMet: Bool { eventsPerSecond >= NetworkBenchReport.catchUpTarget }

    func print() {
      emit(
        "Catch-up: the city's supervision from cursor 0 to the head of a district's "
          + "\(grouped(events))-event backlog (\(grouped(cases)) cases)")
      emit(
        "  applied  \(grouped(Int(eventsPerSecond.rounded()))) events/s (\(fixed(seconds, 2)) s)"
          + "   target ≥ \(grouped(Int(NetworkBenchReport.catchUpTarget))): "
          + (targetMet ? "met" : "MISSED"))
      emit("  CPU per event  \(usage.perEventLine)")
      emit("  the machine    \(usage.machineLine)")
    }
  }

  let events: Int

  func measure() async throws -> Figures {
    let cases = events / 2
    let district = try await BenchNetwork.district("hualong-district", region: "410902")
    do {
      let figures = try await measure(district: district, cases: cases)
      try await district.stop()
      return figures
    } catch {
      try? await district.stop()
      throw error
    }
  }

  private func measure(district: TestService, cases: Int) async throws -> Figures {
    progress("writing a backlog of \(grouped(events)) intake events at the district")
    try await district.database.withClient { client in
      let start = TestClock.start.addingTimeInterval(-7 * 86400)
      for chunk in stride(from: 0, to: cases, by: 1000) {
        let entries = (chunk..<min(chunk + 1000, cases)).flatMap { n in
          let (received, accepted) = BenchNetwork.windowCase(
            n, region: "410902", at: start.addingTimeInterval(Double(n)))
          return BenchNetwork.events(received, accepted)
        }
        try await client.withConnection { connection in
          try await Outbox.append(entries, on: connection, logger: BenchNetwork.logger)
        }
      }
      _ = try await BenchNetwork.numberedHead(client, within: .seconds(600))
    }
    progress("starting the city's supervision, which follows the district")
    let city = try await BenchNetwork.citySupervision(districts: [
      ("hualong-district", "410902", district.port)
    ])
    return try await BenchNetwork.stopping(city) {
      try await city.database.withClient { client in
        // Timed from the moment it serves (its schema made): what it applied before counts out.
        let before = CPUTime.now
        let started = ContinuousClock.now
        let first = try await BenchNetwork.cursor("intake@hualong-district", client: client)
        let caughtUp = try await waitUntil(timeout: .seconds(1800), every: .milliseconds(50)) {
          try await BenchNetwork.cursor("intake@hualong-district", client: client)
            >= Int64(events)
        }
        guard caughtUp else { throw BenchError("the city did not catch up in 30 minutes") }
        let elapsed = ContinuousClock.now - started
        let after = CPUTime.now
        let rows = try await client.query(
          "SELECT count(*)::int8 FROM cases WHERE region_code = '410902'"
        ).collect()
        let stored = try rows[0].decode(Int64.self)
        guard stored == Int64(cases) else {
          throw BenchError("the city holds \(stored) of the district's \(cases) cases")
        }
        let timed = events - Int(first)
        return Figures(
          events: events, cases: cases, seconds: elapsed.seconds,
          eventsPerSecond: Double(timed) / elapsed.seconds,
          usage: Usage(from: before, to: after, events: timed))
      }
    }
  }
}

/// Part 2: two districts take cases at a steady rate; each event is timed from its commit at
/// the district to the moment the city's stored cursor passed it.
struct NetworkLag {
  struct Figures: Codable {
    var scheduledCases: Int
    var events: Int
    var applied: Int
    var achievedCasesPerSecond: Double
    /// Milliseconds from a district's commit to the city's apply.
    var lag: FeedLag.Summary
    var usage: Usage
    var targetMet: Bool {
      applied == events && (lag.p99 ?? .infinity) <= NetworkBenchReport.lagP99TargetMilliseconds
    }

    func print() {
      emit(
        "Lag: \(grouped(scheduledCases)) cases in two districts at "
          + "\(fixed(achievedCasesPerSecond, 1)) cases/s, district commit to city apply")
      emit(
        "  \(lag.line)   target p99 ≤ 1 s: \(targetMet ? "met" : "MISSED")"
          + " (\(grouped(applied)) of \(grouped(events)) events applied)")
      emit("  CPU per event  \(usage.perEventLine)")
      emit("  the machine    \(usage.machineLine)")
    }
  }

  let rate: Int
  let seconds: Double
  static let districts = [("hualong-district", "410902"), ("qingfeng-county", "410922")]

  func measure() async throws -> Figures {
    var producers: [TestService] = []
    for (name, region) in Self.districts {
      progress("starting \(name)'s intake feed")
      producers.append(try await BenchNetwork.district(name, region: region))
    }
    progress("starting the city's supervision, which follows both")
    do {
      let city = try await BenchNetwork.citySupervision(
        districts: zip(Self.districts, producers).map { ($0.0, $0.1, $1.port) })
      let figures = try await BenchNetwork.stopping(city) {
        try await measure(producers: producers, city: city)
      }
      for producer in producers { try await producer.stop() }
      return figures
    } catch {
      for producer in producers { try? await producer.stop() }
      throw error
    }
  }

  private func measure(producers: [TestService], city: TestService) async throws -> Figures {
    let total = Int((Double(rate) * seconds).rounded())
    progress("committing \(grouped(total)) cases in two districts at \(rate) cases/s")
    let record = LagRecord()
    let before = CPUTime.now
    let started = ContinuousClock.now
    let watching = Task {
      try await city.database.withClient { client in
        var last: [String: Int64] = [:]
        while !Task.isCancelled {
          let rows = try await client.query(
            "SELECT subscription, cursor FROM consumer_cursors WHERE subscription LIKE 'intake@%'"
          ).collect()
          let now = Date()
          for row in rows {
            let (name, cursor) = try row.decode((String, Int64).self)
            if cursor > last[name, default: 0] {
              last[name] = cursor
              record.applied.withLock { $0.append((name, cursor, now)) }
            }
          }
          try await Task.sleep(for: .milliseconds(5))
        }
      }
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
      for (index, producer) in producers.enumerated() {
        let region = Self.districts[index].1
        let ticket = Ticket()
        let share = total / producers.count
        let interval = Double(producers.count) / Double(rate)
        for _ in 0..<8 {
          group.addTask {
            try await producer.database.withClient { client in
              while true {
                let n = ticket.take()
                guard n < share else { return }
                try await Task.sleep(until: started + .seconds(interval * Double(n)))
                let (received, accepted) = BenchNetwork.windowCase(
                  n, region: region, at: TestClock.start.addingTimeInterval(Double(n)))
                for (kase, event) in zip(
                  [received, accepted], BenchNetwork.events(received, accepted))
                {
                  try await client.transaction(logger: BenchNetwork.logger) { connection in
                    try await Outbox.append([event], on: connection, logger: BenchNetwork.logger)
                  }
                  let key = "\(region)|\(event.type)|\(kase.caseNumber)"
                  record.commits.withLock { $0[key] = Date() }
                }
              }
            }
          }
        }
      }
      try await group.waitForAll()
    }
    let writeSeconds = (ContinuousClock.now - started).seconds
    progress("waiting for the city to apply the last events")
    // Each district's head once its sequencer has numbered every event written.
    let heads = try await producers.asyncMap { producer in
      try await producer.database.withClient { try await BenchNetwork.numberedHead($0) }
    }
    let caughtUp = try await city.database.withClient { client in
      try await waitUntil(timeout: .seconds(120)) {
        for (index, (name, _)) in Self.districts.enumerated()
        where try await BenchNetwork.cursor("intake@\(name)", client: client) < heads[index] {
          return false
        }
        return true
      }
    }
    if !caughtUp { progress("the city did not apply every event within 120 s") }
    try await Task.sleep(for: .milliseconds(50))
    watching.cancel()
    _ = await watching.result
    let after = CPUTime.now
    // Each event's position at its district, then the first instant the city's cursor of
    // that district had passed it.
    var lags: [Double] = []
    let commitTimes = record.commits.withLock { $0 }
    let applies = record.applied.withLock { $0 }
    for (index, (name, region)) in Self.districts.enumerated() {
      let positions = try await producers[index].database.withClient { client in
        try await client.query("SELECT event_type, aggregate_id, position FROM outbox")
          .collect().map { try $0.decode((String, String, Int64).self) }
      }
      // The city's cursor of a district only grows: its passes are in cursor order.
      let passes = applies.filter { $0.subscription == "intake@\(name)" }
      for (type, aggregate, position) in positions {
        guard let committed = commitTimes["\(region)|\(type)|\(aggregate)"] else { continue }
        var (low, high) = (0, passes.count)
        while low < high {
          let middle = (low + high) / 2
          if passes[middle].cursor >= position { high = middle } else { low = middle + 1 }
        }
        guard low < passes.count else { continue }
        lags.append(max(0, passes[low].at.timeIntervalSince(committed)) * 1000)
      }
    }
    return Figures(
      scheduledCases: total, events: commitTimes.count, applied: lags.count,
      achievedCasesPerSecond: Double(total) / writeSeconds, lag: .init(Percentiles(lags)),
      usage: Usage(from: before, to: after, events: max(commitTimes.count, 1)))
  }
}

/// When each event committed at its district, and when the city's cursor of each district
/// moved, as the writers and the watcher saw them.
final class LagRecord: Sendable {
  let commits = Mutex<[String: Date]>([:])
  let applied = Mutex<[(subscription: String, cursor: Int64, at: Date)]>([])
}

extension Array {
  func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
    var result: [T] = []
    for element in self { result.append(try await transform(element)) }
    return result
  }
}
