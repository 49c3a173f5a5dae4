import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SupervisionService
import SwiftProtobuf

/// `hall-bench supervision`: a month of a city's cases in supervision's own schema, then the
/// monthly report and one department's figures through gRPC, and timer passes over the open
/// cases at chosen instants (SUP-7, SUP-8, SUP-2).
struct SupervisionBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "supervision",
    abstract: "Monthly report, figures and timer passes over a month of a city's cases.",
    discussion: """
      Loads --cases cases of one month across --departments departments (--open of them \
      still open, due over the next four weeks, with their own records; the others closed, \
      5 % overdue with their anomalies, 2 % with a window-wait anomaly) straight into \
      supervision's schema on a throw-away cluster, with the per-day counters an event-by-event \
      load would have left. Then: --runs monthly reports and department figures through \
      gRPC; timer passes at 30-second steps from now, each taking the cases whose next check \
      fell due, and the pass at the next 17:00 closing, when the day's due times fall together. Targets: report and figures ≤ 2 s; a \
      timer pass over the open cases < 1 s.
      """)

  @Option(help: "Cases in the month.")
  var cases = 10_000_000

  @Option(help: "Departments.")
  var departments = 60

  @Option(help: "Open cases (part of --cases).")
  var open = 1_000_000

  @Option(help: "Measured calls of each query.")
  var runs = 20

  @Option(help: "Timer passes at 30-second steps.")
  var passes = 20

  func validate() throws {
    guard cases >= 1000, (1...999).contains(departments), (1...cases).contains(open) else {
      throw ValidationError("need ≥ 1000 cases, 1–999 departments, 1 ≤ open ≤ cases")
    }
  }

  func run() async throws {
    HallBench.bootstrap()
    emit("hall-bench supervision: monthly report, figures, timer passes (SUP-2, SUP-7, SUP-8)")
    emit("machine     \(Machine.current.summary)")
    emit(
      "parameters  \(grouped(cases)) cases in 2026-10 across \(departments) departments, \(grouped(open)) open, \(runs) runs"
    )
    // Feeds point nowhere: the data is loaded directly, as a month of events would have left it.
    let service = try await TestService.start(
      Supervision.definition,
      options: [
        "CATALOG_ADDR": "127.0.0.1:1", "INTAKE_ADDR": "127.0.0.1:1", "RATING_ADDR": "127.0.0.1:1",
        "REGION_CODE": "410100", "TIMER_INTERVAL_SECONDS": "3600",
      ])
    let now = Date()
    let loadStarted = ContinuousClock.now
    try await service.database.withClient { client in
      try await SupervisionMonth(cases: cases, departments: departments, open: open, now: now)
        .load(into: client)
    }
    emit("load        \(fixed((ContinuousClock.now - loadStarted).seconds, 0)) s")

    let token = TestKeys.token(.supervisor, subject: "bench")
    var report: [Double] = []
    var figures: [Double] = []
    var lines = 0
    try await ServiceClient.with(host: "127.0.0.1", port: service.port, token: token) {
      connection in
      let rpc = Hall_Supervision_V1_SupervisionService.Client(wrapping: connection)
      for index in 0..<(runs + 2) {
        let started = ContinuousClock.now
        let response = try await rpc.getMonthlyReport(.with { $0.month = "2026-10" })
        let reportMs = (ContinuousClock.now - started).milliseconds
        lines = response.lines.count
        let department = "d\(String(format: "%03d", index % departments))"
        let figureStarted = ContinuousClock.now
        _ = try await rpc.getFigures(
          .with {
            $0.grouping = .department
            $0.departmentID = department
            $0.from = Days.proto(try CivilDate(year: 2026, month: 10, day: 1))
            $0.to = Days.proto(try CivilDate(year: 2026, month: 11, day: 1))
          })
        let figureMs = (ContinuousClock.now - figureStarted).milliseconds
        if index >= 2 {  // the first two warm the caches
          report.append(reportMs)
          figures.append(figureMs)
        }
      }
    }

    let logger = Logger(label: "bench-timer")
    // The generated open cases carry an approximate next check; the first pass settles every
    // one already due, as a service catching up after an outage would.
    progress("settling pass")
    let settle = try await service.database.withClient { client in
      let started = ContinuousClock.now
      let cases = try await Supervision.timerPass(
        client: client, regionCode: "410100", now: now, logger: logger)
      return (cases: cases, ms: (ContinuousClock.now - started).milliseconds)
    }
    progress("timer passes")
    let passes = try await service.database.withClient { client in
      var passes: [(cases: Int, ms: Double)] = []
      for step in 1...self.passes {
        let started = ContinuousClock.now
        let checked = try await Supervision.timerPass(
          client: client, regionCode: "410100", now: now.addingTimeInterval(Double(step) * 30),
          logger: logger)
        passes.append((checked, (ContinuousClock.now - started).milliseconds))
      }
      return passes
    }
    let passTimes = passes.map(\.ms)
    let passCases = passes.map(\.cases)
    // Due times are the hall's closing time, so the day's warnings and red cards fall due
    // together at 17:00: the heaviest pass of a day.
    let calendar = WorkingCalendar.stateCouncil
    var closingDay = calendar.nextWorkingDay(onOrAfter: CivilDate(chinaStandardTimeOf: now))
    if closingDay.instant(at: try TimeOfDay(hour: 17))
      <= now.addingTimeInterval(Double(self.passes) * 30)
    {
      closingDay = calendar.nextWorkingDay(after: closingDay)
    }
    let closing = closingDay.instant(at: try TimeOfDay(hour: 17))
    progress("closing-time pass")
    let catchUp = try await service.database.withClient { client in
      let started = ContinuousClock.now
      let cases = try await Supervision.timerPass(
        client: client, regionCode: "410100", now: closing, logger: logger)
      return (cases: cases, ms: (ContinuousClock.now - started).milliseconds)
    }
    try await service.stop()

    func ms(_ sample: [Double]) -> String {
      let percentiles = Percentiles(sample)
      return ["p50": 50.0, "p90": 90, "max": 100].sorted { $0.value < $1.value }.map {
        "\($0.key) \(fixed(percentiles.value(at: $0.value) ?? 0, 1))"
      }.joined(separator: "  ") + " ms"
    }
    let reportMax = report.max() ?? .infinity
    let figuresMax = figures.max() ?? .infinity
    let passMax = passTimes.max() ?? .infinity
    emit()
    emit("monthly report 2026-10 (\(lines) departments ranked), \(runs) calls")
    emit("  \(ms(report))   (target ≤ 2 000 ms: \(reportMax <= 2000 ? "met" : "NOT met"))")
    emit("figures of one department for 2026-10, \(runs) calls")
    emit("  \(ms(figures))   (target ≤ 2 000 ms: \(figuresMax <= 2000 ? "met" : "NOT met"))")
    emit("timer passes over \(grouped(open)) open cases, 30 s apart, \(self.passes) passes")
    emit(
      "  \(ms(passTimes))   cases per pass: p50 \(Percentiles(passCases.map(Double.init)).value(at: 50).map { Int($0) } ?? 0), max \(passCases.max() ?? 0)   (target < 1 000 ms: \(passMax < 1000 ? "met" : "NOT met"))"
    )
    emit(
      "settling pass (every case already due): \(grouped(settle.cases)) cases in \(fixed(settle.ms, 0)) ms (\(fixed(Double(settle.cases) / max(settle.ms, 1) * 1000, 0)) cases/s)"
    )
    emit(
      "closing-time pass (\(closingDay) 17:00, the day's due times together): \(grouped(catchUp.cases)) cases in \(fixed(catchUp.ms, 0)) ms (\(fixed(Double(catchUp.cases) / max(catchUp.ms, 1) * 1000, 0)) cases/s)"
    )
  }
}
