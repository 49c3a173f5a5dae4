import Foundation
import HallDatabase
import Logging

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
    let app = ServiceApp(definition: definition, settings: settings, logger: logger)
    if migrateOnly {
      try await app.migrateOnly()
    } else {
      try await app.runUntilSignalled()
    }
  }
}
