import ArgumentParser
import Dispatch
import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// `hall-bench`: load generators for the platform, one subcommand per thing measured. They
/// are programs rather than timed tests because their figures depend on the machine and are
/// read by people, not asserted. Each starts its own throw-away PostgreSQL cluster and its
/// services in-process (HallTestSupport), so it never loads a deployment that happens to run.
struct HallBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hall-bench",
    abstract: "Measure the platform on this machine against throw-away databases.",
    subcommands: [FeedBench.self, IntakeBench.self, SupervisionBench.self, NetworkBench.self])

  /// Kept alive for the whole run; written once, before any other task starts.
  nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []

  /// Every subcommand calls this first. Logs go to stderr at warning level so that stdout
  /// carries only the report.
  static func bootstrap() {
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = .warning
      return handler
    }
    stopClusterOnInterrupt()
  }

  /// The throw-away cluster is a daemon that outlives a killed process; exiting through
  /// `exit` runs the cleanup HallTestSupport registered with `atexit`, which destroys it.
  private static func stopClusterOnInterrupt() {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        FileHandle.standardError.write(Data("interrupted; removing the throw-away cluster\n".utf8))
        terminate(128 + signalNumber)
      }
      source.resume()
      signalSources.append(source)
    }
  }
}

/// `exit` itself, which inside `HallBench` would name ParsableCommand's `exit(withError:)`.
private func terminate(_ status: Int32) -> Never {
  exit(status)
}
