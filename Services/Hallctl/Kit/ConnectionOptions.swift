import ArgumentParser
import Foundation

/// Where a service listens and who is calling; flags win over HALL_* variables.
struct ConnectionOptions: ParsableArguments {
  @Option(
    help: """
      Service address host:port (default: the group's variable, $HALL_CATALOG_ADDR, \
      $HALL_INTAKE_ADDR, $HALL_RATING_ADDR or $HALL_SUPERVISION_ADDR, else 127.0.0.1:50051, \
      50052, 50053 or 50054).
      """)
  var server: String?

  @Option(help: "Bearer token (default: $HALL_TOKEN, or the file named by $HALL_TOKEN_FILE).")
  var token: String?

  @Flag(help: "Print JSON instead of tables.")
  var json = false

  func bearerToken() throws -> String? {
    if let token { return token }
    let environment = ProcessInfo.processInfo.environment
    if let token = environment["HALL_TOKEN"] { return token }
    if let file = environment["HALL_TOKEN_FILE"] {
      return try String(contentsOfFile: file, encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return nil
  }
}
