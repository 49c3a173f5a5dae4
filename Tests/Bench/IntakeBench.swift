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

/// `hall-bench intake`: cases submitted and accepted through gRPC by many concurrent clients,
/// beside pgbench writing the same rows (the case row plus its outbox row, twice) at the same
/// concurrency in the same run, so the service's cost is read as a ratio to the database's.
struct IntakeBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "intake",
    abstract: "Acceptance throughput and latency through gRPC, beside pgbench.",
    discussion: """
      One acceptance is a SubmitCase and an AcceptCase of a new case. The catalog and intake \
      run in-process on a throw-away PostgreSQL cluster. Phases: peak (closed loop, --clients \
      concurrent), then an open loop at 70 % of the peak rate measuring latency from each \
      acceptance's scheduled start, then pgbench with deploy/bench/intake-pgbench.sql. \
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
    emit("hall-bench intake: submit + accept through gRPC (INT-3), beside pgbench")
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
    _ = try await hall.closedLoop(clients: clients, seconds: min(3, seconds))
    progress("peak: closed loop")
    let before = CPUTime.now
    var peak = try await hall.closedLoop(clients: clients, seconds: seconds)
    let after = CPUTime.now
    let acceptances = Double(max(peak.completed, 1))
    peak.cpuMicroseconds = [
      "this process": (after.process - before.process) / acceptances * 1e6,
      "postgresql": ((after.postgres ?? 0) - (before.postgres ?? 0)) / acceptances * 1e6,
    ]
    progress("transport only: two health checks per acceptance, closed loop")
    let floor = try await hall.closedLoop(
      clients: clients, seconds: seconds, operation: hall.transportOnly)
    let rate = peak.throughput * load
    progress("latency: open loop at \(fixed(rate, 0))/s")
    let paced = try await hall.openLoop(rate: rate, clients: clients, seconds: seconds)
    progress("pgbench")
    let bodySize = try await hall.caseBodySize()
    let pg = try await PgBench.intakeEquivalent(
      database: intake.database, clients: clients, seconds: seconds, bodySize: bodySize)
    try await intake.stop()

    let report = IntakeBenchReport(
      clients: clients, seconds: seconds, peak: peak, transportOnly: floor, paced: paced,
      pgbench: pg,
      caseBodyBytes: bodySize)
    report.print()
    if json { emit(try jsonLine(report)) }
  }
}

/// One phase's outcome.
struct LoadPhase: Sendable, Codable {
  var completed: Int
  var failed: Int
  var seconds: Double
  /// Milliseconds per acceptance (submit + accept), and per call.
  var acceptance: [String: Double]
  var submit: [String: Double]
  var accept: [String: Double]
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
  var peak: LoadPhase
  /// Pairs of Health.Check calls per second: the transport's ceiling for an acceptance.
  var transportOnly: LoadPhase
  var paced: LoadPhase
  var pgbench: PgBench.Result
  var caseBodyBytes: Int

  var ratio: Double { peak.throughput / pgbench.transactionsPerSecond }

  func print() {
    func ms(_ values: [String: Double]) -> String {
      ["p50", "p90", "p99", "max"].map { "\($0) \(fixed(values[$0] ?? 0, 1))" }
        .joined(separator: "  ") + " ms"
    }
    emit()
    emit("peak (closed loop, \(clients) clients)")
    emit(
      "  acceptances/s   \(fixed(peak.throughput, 0))   (\(peak.completed) in \(fixed(peak.seconds, 1)) s, \(peak.failed) failed)"
    )
    emit("  acceptance      \(ms(peak.acceptance))")
    if let cpu = peak.cpuMicroseconds {
      emit(
        "  CPU per acceptance  \(fixed(cpu["this process"] ?? 0, 0)) µs in this process (service and load generator), \(fixed(cpu["postgresql"] ?? 0, 0)) µs in PostgreSQL"
      )
    }
    emit(
      "  transport only  \(fixed(transportOnly.throughput, 0)) pairs of health checks/s, the ceiling for two calls (peak is \(fixed(peak.throughput / transportOnly.throughput * 100, 0)) % of it)"
    )
    emit()
    emit("pgbench (same rows: case + outbox, inserted then updated; \(clients) connections)")
    emit(
      "  scripts/s       \(fixed(pgbench.transactionsPerSecond, 0))   (latency average \(fixed(pgbench.latencyAverageMs, 1)) ms)"
    )
    emit(
      "  ratio           \(fixed(ratio * 100, 0)) % of pgbench   (target ≥ 60 %: \(ratio >= 0.6 ? "met" : "NOT met"))"
    )
    emit(
      "  transport only  \(fixed(transportOnly.throughput / pgbench.transactionsPerSecond * 100, 0)) % of pgbench: the most any two gRPC calls reach here"
    )
    emit()
    let offered = paced.offeredRate ?? 0
    emit("latency at \(fixed(offered, 0))/s offered (open loop, from each scheduled start)")
    emit("  achieved/s      \(fixed(paced.throughput, 0))   (\(paced.failed) failed)")
    emit(
      "  acceptance      \(ms(paced.acceptance))   (target p99 ≤ 25 ms: \((paced.acceptance["p99"] ?? .infinity) <= 25 ? "met" : "NOT met"))"
    )
    emit("  submit call     \(ms(paced.submit))")
    emit("  accept call     \(ms(paced.accept))")
  }
}
