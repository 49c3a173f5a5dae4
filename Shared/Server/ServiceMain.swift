import Foundation
import HallDatabase
import Logging

/// The common `main` of every service executable.
public enum ServiceMain {
  public static func run(
    definition: ServiceDefinition, defaultPort: Int, configFile: String?
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
    try await app.runUntilSignalled()
  }
}
