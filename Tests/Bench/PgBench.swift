import Foundation
import HallDatabase
import HallTestSupport
import Logging
import PostgresNIO

#if canImport(Glibc)
  import Glibc
#endif

/// pgbench, PostgreSQL's own load generator, run beside a service's benchmark on the same
/// database: what the rows cost without the service is the yardstick the service is read
/// against.
enum PgBench {
  struct Result: Sendable, Codable {
    var transactionsPerSecond: Double
    var latencyAverageMs: Double
    var command: String
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// How pgbench sends its statements (`-M`).
  enum Mode: String, Sendable, Codable {
    /// Each statement parsed and planned on every run, as PostgresNIO's `query` does.
    case extended
    /// Each statement parsed once per connection, as the services' fixed-text statements are
    /// (HallDatabase's `prepared`).
    case prepared
  }

  /// Runs each of `scripts` (files under deploy/bench/, with the mode to send them in)
  /// in turn against intake's database, as intake's role, on copies of intake's tables (same
  /// columns and indexes).
  static func intakeEquivalents(
    _ scripts: [(file: String, mode: Mode)], database: DatabaseSettings, clients: Int,
    seconds: Double, bodySize: Int
  ) async throws -> [Result] {
    try await database.withClient { client in
      for statement in [
        "CREATE TABLE bench_cases (LIKE cases INCLUDING ALL)",
        "CREATE TABLE bench_outbox (LIKE outbox INCLUDING ALL)",
        "CREATE SEQUENCE bench_case_seq",
      ] {
        try await client.query(PostgresQuery(unsafeSQL: statement))
      }
    }
    return try scripts.map { script in
      try run(
        script: TestCluster.repositoryRoot + "/deploy/bench/" + script.file,
        mode: script.mode, database: database, clients: clients, seconds: seconds,
        variables: ["size": String(bodySize)])
    }
  }

  static func run(
    script: String, mode: Mode, database: DatabaseSettings, clients: Int,
    seconds: Double, variables: [String: String]
  ) throws -> Result {
    let executable = try locate()
    var arguments = [
      "-n", "-M", mode.rawValue, "-c", String(clients), "-j", String(min(clients, 2)), "-T",
      String(Int(seconds.rounded(.up))), "-f", script, "-h", database.host, "-p",
      String(database.port), "-U", database.username,
    ]
    for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
      arguments += ["-D", "\(name)=\(value)"]
    }
    arguments.append(database.database)
    var environment = ProcessInfo.processInfo.environment
    environment["PGPASSWORD"] = database.password
    environment["PGOPTIONS"] = "-c search_path=\(database.schema)"
    let (status, text) = try spawn(executable, arguments, environment: environment)
    guard status == 0 else {
      throw Failure(description: "pgbench failed (\(status)):\n\(text)")
    }
    guard let tps = number(after: "tps = ", in: text),
      let latency = number(after: "latency average = ", in: text)
    else {
      throw Failure(description: "cannot read pgbench's report:\n\(text)")
    }
    return Result(
      transactionsPerSecond: tps, latencyAverageMs: latency,
      command: ([executable] + arguments).joined(separator: " "))
  }

  /// Runs a program to its end with an empty signal mask and default dispositions.
  ///
  /// pgbench ends a `-T` run on SIGALRM. A child inherits its parent's signal mask, and the
  /// threads of a Swift process block most signals, so a child started the usual way
  /// (Foundation's Process, system()) would never see the alarm and run for ever.
  static func spawn(_ executable: String, _ arguments: [String], environment: [String: String])
    throws -> (status: Int32, output: String)
  {
    let outputPath = FileManager.default.temporaryDirectory
      .appendingPathComponent("pgbench-\(UUID().uuidString).log").path
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGALRM, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard spawned == 0 else {
      throw Failure(description: "cannot start \(executable): error \(spawned)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exited = status & 0x7f == 0
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
  }

  /// pgbench from PATH, or from the newest PostgreSQL under /usr/lib/postgresql.
  static func locate() throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    var candidates = path.split(separator: ":").map { "\($0)/pgbench" }
    let versions =
      (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
    candidates += versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
      .map { "/usr/lib/postgresql/\($0)/bin/pgbench" }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else {
      throw Failure(
        description:
          "pgbench not found: install Debian's postgresql (deploy/install-toolchain-deps.sh)")
    }
    return found
  }

  static func number(after marker: String, in text: String) -> Double? {
    guard let range = text.range(of: marker) else { return nil }
    let rest = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
    return Double(rest)
  }
}
