import ArgumentParser
import CatalogService
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallContracts
import HallServer
import HallTestSupport
import IntakeService
import Logging
import PostgresNIO
import SwiftProtobuf

/// `hall-bench intake`: acceptances through gRPC by many concurrent clients, beside pgbench
/// writing the same rows at the same concurrency in the same run, so the service's cost is
/// read as a ratio to the database's. Two flows: the window's (SubmitCase with the clerk's
/// decision, one call, one transaction) and submit-then-accept (two calls, two transactions).
struct IntakeBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "intake",
    abstract: "Acceptance throughput and latency through gRPC, beside pgbench.",
    discussion: """
      The catalog and intake run in-process on a throw-away PostgreSQL cluster. Phases: the \
      window's acceptance (SubmitCase with the decision) at its peak (closed loop, --clients \
      concurrent); the same for SubmitCase then AcceptCase; one Health.Check per acceptance \
      (the transport's ceiling); an open loop of window acceptances at --load of their peak, \
      timed from each scheduled start; then pgbench -M prepared (the services prepare their \
      statements too) with deploy/bench/intake-window-pgbench.sql and \
      deploy/bench/intake-pgbench.sql, and the window's script again with -M extended. \
      Targets: throughput ≥ 60 % of pgbench's; p99 ≤ 25 ms at 70 % of peak.
      """)

  @Option(help: "Concurrent clients (and pgbench connections).")
  var clients = 16

  @Option(help: "Seconds each measured phase lasts.")
  var seconds: Double = 20

  @Option(help: "Share of the peak rate offered in the latency phase.")
  var load = 0.7

  @Flag(help: "Also print the figures as one JSON line.")
  var json = false

  func validate() throws {
    guard (1...500).contains(clients) else { throw ValidationError("--clients: 1 to 500") }
    guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    guard load > 0, load <= 1 else { throw ValidationError("--load: above 0, at most 1") }
  }

  func run() async throws {
    HallBench.bootstrap()
    emit("hall-bench intake: acceptances through gRPC (INT-3), beside pgbench")
    emit("machine     \(Machine.current.summary)")
    emit(
      "parameters  \(clients) clients, \(fixed(seconds, 0)) s per phase, latency at \(Int(load * 100)) % of peak"
    )
    let catalog = try await TestService.start(Catalog.definition)
    let intake = try await TestService.start(
      Intake.definition, options: ["CATALOG_ADDR": "127.0.0.1:\(catalog.port)"])
    let hall = try await IntakeLoad.prepare(catalogPort: catalog.port, intakePort: intake.port)
    try await catalog.stop()  // intake works from its replica

    progress("warming up")
    _ = try await hall.closedLoop(clients: clients, seconds: min(3, seconds)) {
      try await hall.acceptance(.window)
    }
    var peaks: [IntakeLoad.Flow: LoadPhase] = [:]
    for flow in [IntakeLoad.Flow.window, .twoCalls] {
      progress("peak, \(flow.rawValue): closed loop")
      let before = CPUTime.now
      var peak = try await hall.closedLoop(clients: clients, seconds: seconds) {
        try await hall.acceptance(flow)
      }
      let after = CPUTime.now
      let acceptances = Double(max(peak.completed, 1))
      peak.cpuMicroseconds = [
        "this process": (after.process - before.process) / acceptances * 1e6,
        "postgresql": ((after.postgres ?? 0) - (before.postgres ?? 0)) / acceptances * 1e6,
      ]
      peaks[flow] = peak
    }
    progress("transport only: one health check per acceptance, closed loop")
    let floor = try await hall.closedLoop(clients: clients, seconds: seconds) {
      try await hall.transportOnly(calls: 1)
    }
    let window = peaks[.window]!
    let rate = window.throughput * load
    progress("latency: open loop at \(fixed(rate, 0))/s")
    let paced = try await hall.openLoop(.window, rate: rate, clients: clients, seconds: seconds)
    progress("pgbench")
    let bodySize = try await hall.caseBodySize()
    let pg = try await PgBench.intakeEquivalents(
      [
        ("intake-window-pgbench.sql", .prepared), ("intake-pgbench.sql", .prepared),
        ("intake-window-pgbench.sql", .extended),
      ], database: intake.database, clients: clients, seconds: seconds, bodySize: bodySize)

    let report = IntakeBenchReport(
      clients: clients, seconds: seconds, window: window, twoCalls: peaks[.twoCalls]!,
      transportOnly: floor, paced: paced, pgbenchWindow: pg[0], pgbenchTwoCalls: pg[1],
      pgbenchWindowUnprepared: pg[2], caseBodyBytes: bodySize)
    report.print()
    if json { emit(try jsonLine(report)) }
    // The figures are out first: a service that does not stop costs a warning, not the run.
    try await stopWithin(seconds: 30, intake)
  }
}

/// One phase's outcome.
struct LoadPhase: Sendable, Codable {
  var completed: Int
  var failed: Int
  var seconds: Double
  /// Milliseconds per acceptance, and per call of it in call order.
  var acceptance: [String: Double]
  var calls: [[String: Double]]
  var offeredRate: Double?
  /// CPU time per acceptance: this process (intake, and the load generator's client side) and
  /// the cluster's PostgreSQL processes; it shows where an acceptance's cost lies.
  var cpuMicroseconds: [String: Double]?

  var throughput: Double { Double(completed) / seconds }

  static func summary(_ sample: [Double]) -> [String: Double] {
    let percentiles = Percentiles(sample)
    var result: [String: Double] = [:]
    for (name, percent) in [("p50", 50.0), ("p90", 90), ("p99", 99), ("max", 100)] {
      result[name] = percentiles.value(at: percent) ?? 0
    }
    return result
  }
}

struct IntakeBenchReport: Sendable, Codable {
  var clients: Int
  var seconds: Double
  var window: LoadPhase
  var twoCalls: LoadPhase
  /// Health.Check calls per second: the transport's ceiling for a one-call acceptance.
  var transportOnly: LoadPhase
  var paced: LoadPhase
  var pgbenchWindow: PgBench.Result
  var pgbenchTwoCalls: PgBench.Result
  /// The window's script with every statement parsed and planned on each run: the yardstick
  /// before the services prepared their statements, kept for comparison with earlier runs.
  var pgbenchWindowUnprepared: PgBench.Result
  var caseBodyBytes: Int

  var ratio: Double { window.throughput / pgbenchWindow.transactionsPerSecond }
  var twoCallRatio: Double { twoCalls.throughput / pgbenchTwoCalls.transactionsPerSecond }

  func print() {
    func ms(_ values: [String: Double]) -> String {
      ["p50", "p90", "p99", "max"].map { "\($0) \(fixed(values[$0] ?? 0, 1))" }
        .joined(separator: "  ") + " ms"
    }
    func peak(_ phase: LoadPhase) {
      emit(
        "  acceptances/s   \(fixed(phase.throughput, 0))   (\(phase.completed) in \(fixed(phase.seconds, 1)) s, \(phase.failed) failed)"
      )
      emit("  acceptance      \(ms(phase.acceptance))")
      if let cpu = phase.cpuMicroseconds {
        emit(
          "  CPU per acceptance  \(fixed(cpu["this process"] ?? 0, 0)) µs in this process (service and load generator), \(fixed(cpu["postgresql"] ?? 0, 0)) µs in PostgreSQL"
        )
      }
    }
    func versus(_ pg: PgBench.Result, _ ratio: Double, rows: String) {
      emit("  pgbench         \(fixed(pg.transactionsPerSecond, 0)) scripts/s (\(rows))")
      emit(
        "  ratio           \(fixed(ratio * 100, 0)) % of pgbench   (target ≥ 60 %: \(ratio >= 0.6 ? "met" : "NOT met"))"
      )
    }
    emit()
    emit(
      "window acceptance: SubmitCase with the clerk's decision, one call (peak, \(clients) clients)"
    )
    peak(window)
    versus(
      pgbenchWindow, ratio,
      rows: "case + its two outbox rows in one transaction, \(clients) connections, -M prepared")
    emit(
      "  unprepared      \(fixed(pgbenchWindowUnprepared.transactionsPerSecond, 0)) scripts/s with -M extended: \(fixed(window.throughput / pgbenchWindowUnprepared.transactionsPerSecond * 100, 0)) % of it"
    )
    emit(
      "  transport only  \(fixed(transportOnly.throughput, 0)) health checks/s, the ceiling for one call: \(fixed(transportOnly.throughput / pgbenchWindow.transactionsPerSecond * 100, 0)) % of pgbench"
    )
    emit()
    let offered = paced.offeredRate ?? 0
    emit(
      "latency at \(fixed(offered, 0))/s offered (window acceptances, open loop, from each scheduled start)"
    )
    emit("  achieved/s      \(fixed(paced.throughput, 0))   (\(paced.failed) failed)")
    emit(
      "  acceptance      \(ms(paced.acceptance))   (target p99 ≤ 25 ms: \((paced.acceptance["p99"] ?? .infinity) <= 25 ? "met" : "NOT met"))"
    )
    emit()
    emit("submit, then accept: SubmitCase and AcceptCase, two calls (peak, \(clients) clients)")
    peak(twoCalls)
    if twoCalls.calls.count == 2 {
      emit("  submit call     \(ms(twoCalls.calls[0]))")
      emit("  accept call     \(ms(twoCalls.calls[1]))")
    }
    versus(
      pgbenchTwoCalls, twoCallRatio,
      rows: "case + outbox, inserted then updated: two transactions, -M prepared")
  }
}
