import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What the figures were measured on. Reported with them because on a small, shared machine
/// they say as much about the neighbours as about the code.
struct Machine: Sendable, Codable {
  var cores: Int
  /// The 1, 5 and 15 minute load averages when the run started.
  var loadAverage: [Double]
  var build: String

  static var current: Machine {
    var loads = [Double](repeating: 0, count: 3)
    let read = loads.withUnsafeMutableBufferPointer { getloadavg($0.baseAddress!, 3) }
    #if DEBUG
      let build = "debug"
    #else
      let build = "release"
    #endif
    return Machine(
      cores: ProcessInfo.processInfo.activeProcessorCount,
      loadAverage: read == 3 ? loads : [], build: build)
  }

  var summary: String {
    let load = loadAverage.map { fixed($0, 2) }.joined(separator: " ")
    return "\(cores) cores, load average \(load.isEmpty ? "unknown" : load) at start, "
      + "\(build) build"
  }
}

/// CPU used so far by this process, by the throw-away cluster's PostgreSQL and by the whole
/// machine, and how long their threads waited for a CPU. Per event, CPU time depends far less
/// on what else the machine runs than wall-clock figures do, so it shows whether a change made
/// the feed cheaper; the waiting shows how much of a lag was the machine's, not the feed's.
struct CPUTime: Sendable {
  var at = ContinuousClock.now
  var process: Double = 0
  var processWaiting: Double = 0
  /// Nil when the cluster's processes cannot be found (not Linux, or no cluster started).
  var postgres: Double?
  var postgresWaiting: Double?
  /// Busy time of all cores together, whoever used them.
  var machine: Double?

  static var now: CPUTime {
    var sample = CPUTime()
    var usage = rusage()
    #if os(Linux)
      getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double {
      Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }
    sample.process = seconds(usage.ru_utime) + seconds(usage.ru_stime)
    sample.processWaiting = threadIDs(of: getpid()).reduce(0) {
      $0 + runQueueWait(path: "/proc/self/task/\($1)/schedstat")
    }
    (sample.postgres, sample.postgresWaiting) = postgresSeconds() ?? (nil, nil)
    sample.machine = machineBusySeconds()
    return sample
  }

  private static var ticks: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }

  private static func threadIDs(of pid: Int32) -> [Int32] {
    let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
    return (tasks ?? []).compactMap(Int32.init)
  }

  /// The second field of schedstat: nanoseconds spent runnable but waiting for a CPU.
  private static func runQueueWait(path: String) -> Double {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Double(fields[1]) ?? 0) / 1e9 : 0
  }

  /// All cores' busy time from the first line of /proc/stat (user, nice, system, irq,
  /// softirq and steal ticks).
  private static func machineBusySeconds() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
      let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
    else { return nil }
    let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard fields.count >= 8 else { return nil }
    return [0, 1, 2, 5, 6, 7].reduce(0) { $0 + fields[$1] } / ticks
  }

  /// The cluster's postmaster (found by the folder HallTestSupport names after this process),
  /// the backends it reaped (its children's times) and the backends still running.
  private static func postgresSeconds() -> (cpu: Double, waiting: Double)? {
    let marker = "/hall-test-\(getpid())-"
    guard ticks > 0,
      let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc")
        .compactMap(Int32.init)
    else { return nil }
    var stats: [Int32: [Substring]] = [:]
    var postmaster: Int32?
    for pid in pids {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      // Fields after the command name, which may itself contain spaces: state is [0].
      stats[pid] = stat[stat.index(after: close)...].split(separator: " ")
      if postmaster == nil,
        let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
        String(decoding: command, as: UTF8.self).contains(marker)
      {
        postmaster = pid
      }
    }
    guard let postmaster, let own = stats[postmaster], own.count > 14 else { return nil }
    // utime, stime, cutime, cstime are fields 14 to 17 of stat(5), here [11] to [14].
    func field(_ fields: [Substring], _ index: Int) -> Double { Double(fields[index]) ?? 0 }
    var cpu = (11...14).reduce(0) { $0 + field(own, $1) } / ticks
    var waiting = runQueueWait(path: "/proc/\(postmaster)/schedstat")
    for (pid, fields) in stats where fields.count > 14 && Int32(fields[1]) == postmaster {
      cpu += (field(fields, 11) + field(fields, 12)) / ticks
      waiting += runQueueWait(path: "/proc/\(pid)/schedstat")
    }
    return (cpu, waiting)
  }
}

/// What a run cost and what else the machine was doing meanwhile, from two samples.
struct Usage: Codable {
  /// Microseconds of CPU per event in this process (writers, producer and consumer alike)
  /// and in the cluster's PostgreSQL.
  var processCPUPerEvent: Double
  var postgresCPUPerEvent: Double?
  /// The share of the machine's cores busy with anything but this run.
  var othersShareOfMachine: Double?
  /// Milliseconds per second that this process's threads and PostgreSQL's processes spent
  /// ready to run but waiting for a core (summed over threads, so it can exceed 1000).
  /// Much waiting means a lag was the machine's rather than the code's.
  var processWaitingPerSecond: Double
  var postgresWaitingPerSecond: Double?

  init(from start: CPUTime, to end: CPUTime, events: Int) {
    let events = Double(max(events, 1))
    let wall = max((end.at - start.at).seconds, 1e-9)
    let process = end.process - start.process
    processCPUPerEvent = process / events * 1e6
    processWaitingPerSecond = (end.processWaiting - start.processWaiting) / wall * 1e3
    let postgres = end.postgres.flatMap { end in start.postgres.map { end - $0 } }
    postgresCPUPerEvent = postgres.map { $0 / events * 1e6 }
    if let endWaiting = end.postgresWaiting, let startWaiting = start.postgresWaiting {
      postgresWaitingPerSecond = (endWaiting - startWaiting) / wall * 1e3
    }
    if let endBusy = end.machine, let startBusy = start.machine {
      let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
      let others = (endBusy - startBusy) - process - (postgres ?? 0)
      othersShareOfMachine = max(0, others) / (wall * cores)
    }
  }

  var perEventLine: String {
    let postgres = postgresCPUPerEvent.map { "\(Int($0.rounded())) µs" } ?? "n/a"
    return "\(Int(processCPUPerEvent.rounded())) µs in this process, \(postgres) in PostgreSQL"
  }

  var machineLine: String {
    let others = othersShareOfMachine.map { "\(Int(($0 * 100).rounded())) %" } ?? "n/a"
    let postgres = postgresWaitingPerSecond.map { "\(Int($0.rounded())) ms/s" } ?? "n/a"
    return "\(others) of its cores busy with other work; waiting for a core: "
      + "\(Int(processWaitingPerSecond.rounded())) ms/s in this process, \(postgres) in PostgreSQL"
  }
}
