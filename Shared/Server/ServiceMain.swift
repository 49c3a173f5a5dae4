public import ArgumentParser
import Foundation
import HallDatabase
import Logging
import NIOCore
import NIOPosix

/// The common `main` of every service executable.
public enum ServiceMain {
  /// - Parameter migrateOnly: apply the schema's migrations and exit (an operator's job
  ///   before a rolling upgrade, or a benchmark's setup).
  public static func run(
    definition: ServiceDefinition, defaultPort: Int, configFile: String?,
    migrateOnly: Bool = false
  ) async throws {
    let settings = try ServiceSettings.load(
      service: definition.name, defaultPort: defaultPort, file: configFile)
    LoggingSystem.bootstrap { label in
      var handler = JSONLogHandler(label: label)
      handler.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
      return handler
    }
    let logger = Logger(label: "hall.\(definition.name)")
    let app = try ServiceApp(definition: definition, settings: settings, logger: logger)
    if migrateOnly {
      try await app.migrateOnly()
    } else {
      let traces = try TraceExport.bootstrap(
        service: definition.name, deployment: settings.deployment,
        environment: ProcessInfo.processInfo.environment, logger: logger)
      try await app.runUntilSignalled(alongside: traces)
    }
  }
}

/// The options every service executable takes, so that each `main` names only its service.
public struct ServiceOptions: ParsableArguments {
  @Option(help: "JSON settings file (HALL_* environment variables win over it).")
  public var config: String?

  @Flag(help: "Apply the schema's migrations and exit.")
  public var migrateOnly = false

  public init() {}

  /// The discussion every service's help shows.
  public static let discussion =
    "Settings come from an optional JSON file (--config) and HALL_* environment variables, "
    + "which win. The README lists every setting."

  public func run(_ definition: ServiceDefinition) async throws {
    try await ServiceMain.run(
      definition: definition, defaultPort: ServiceSettings.defaultPorts[definition.name] ?? 0,
      configFile: config,
      migrateOnly: migrateOnly)
  }
}

extension ServiceMain {
  /// Runs a service's command with Swift concurrency on NIO's event loops. A handler's task
  /// and the sockets it reads and writes (gRPC, PostgreSQL) then share threads: each query
  /// and each call no longer hops between the concurrency pool and an event loop, which on
  /// two cores was a tenth of the CPU. Called first, from the main thread, before any task.
  @MainActor
  public static func start<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    await command.main()
  }
}

/// A service as an executable names its definition, and the command line follows from it.
public protocol ServiceProgram {
  static var definition: ServiceDefinition { get }
}

/// The command line of every service executable: `hall-<name>`, the definition's summary,
/// and the options every service takes.
public struct ServiceCommand<Program: ServiceProgram>: AsyncParsableCommand {
  public static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "hall-\(Program.definition.name)", abstract: Program.definition.summary,
      discussion: ServiceOptions.discussion)
  }

  @OptionGroup var options: ServiceOptions

  public init() {}

  public func run() async throws {
    try await options.run(Program.definition)
  }
}
