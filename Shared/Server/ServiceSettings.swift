public import Foundation
public import HallDatabase

/// A service's settings, read from an optional JSON file and then from the environment
/// (`HALL_*` variables win), so the same binary runs locally, in tests and in a cluster.
public struct ServiceSettings: Sendable {
  /// Deployment name: the issuer of its tokens, e.g. "zhengzhou-city".
  public var deployment: String
  public var listenHost: String
  /// 0 picks a free port (tests).
  public var listenPort: Int
  /// Base64 of the deployment's Ed25519 public key.
  public var tokenPublicKey: String
  public var database: DatabaseSettings
  public var logLevel: String

  public init(
    deployment: String, listenHost: String = "127.0.0.1", listenPort: Int,
    tokenPublicKey: String, database: DatabaseSettings, logLevel: String = "info"
  ) {
    self.deployment = deployment
    self.listenHost = listenHost
    self.listenPort = listenPort
    self.tokenPublicKey = tokenPublicKey
    self.database = database
    self.logLevel = logLevel
  }

  public struct Problem: Error, CustomStringConvertible {
    public var description: String
  }

  /// The file's shape: every key optional, same names as the environment without the prefix.
  struct FileShape: Decodable {
    var deployment: String?
    var listenHost: String?
    var listenPort: Int?
    var tokenPublicKey: String?
    var tokenPublicKeyFile: String?
    var dbHost: String?
    var dbPort: Int?
    var dbName: String?
    var dbUser: String?
    var dbPassword: String?
    var dbPasswordFile: String?
    var dbMaxConnections: Int?
    var logLevel: String?
  }

  /// Loads the settings of `service` (its schema and default role name).
  ///
  /// Environment: HALL_DEPLOYMENT, HALL_LISTEN_HOST, HALL_LISTEN_PORT,
  /// HALL_TOKEN_PUBLIC_KEY or HALL_TOKEN_PUBLIC_KEY_FILE, HALL_DB_HOST, HALL_DB_PORT,
  /// HALL_DB_NAME, HALL_DB_USER, HALL_DB_PASSWORD or HALL_DB_PASSWORD_FILE,
  /// HALL_DB_MAX_CONNECTIONS, HALL_LOG_LEVEL.
  public static func load(
    service: String, defaultPort: Int, file: String?,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> ServiceSettings {
    var shape = FileShape()
    if let file {
      do {
        shape = try JSONDecoder().decode(
          FileShape.self, from: try Data(contentsOf: URL(fileURLWithPath: file)))
      } catch {
        throw Problem(description: "cannot read settings file \(file): \(error)")
      }
    }
    func string(_ key: String, _ fromFile: String?) -> String? {
      environment["HALL_\(key)"] ?? fromFile
    }
    func int(_ key: String, _ fromFile: Int?) throws -> Int? {
      guard let text = environment["HALL_\(key)"] else { return fromFile }
      guard let value = Int(text) else {
        throw Problem(description: "HALL_\(key) must be a whole number, not \(text)")
      }
      return value
    }
    func secret(_ key: String, _ value: String?, _ fileKey: String, _ path: String?) throws
      -> String?
    {
      if let direct = string(key, value) { return direct }
      guard let path = string(fileKey, path) else { return nil }
      do {
        return try String(contentsOfFile: path, encoding: .utf8)
          .trimmingCharacters(in: .whitespacesAndNewlines)
      } catch {
        throw Problem(description: "cannot read HALL_\(fileKey) \(path): \(error)")
      }
    }
    guard
      let publicKey = try secret(
        "TOKEN_PUBLIC_KEY", shape.tokenPublicKey, "TOKEN_PUBLIC_KEY_FILE",
        shape.tokenPublicKeyFile)
    else {
      throw Problem(
        description: "no token public key: set HALL_TOKEN_PUBLIC_KEY or HALL_TOKEN_PUBLIC_KEY_FILE")
    }
    guard
      let password = try secret(
        "DB_PASSWORD", shape.dbPassword, "DB_PASSWORD_FILE", shape.dbPasswordFile)
    else {
      throw Problem(
        description: "no database password: set HALL_DB_PASSWORD or HALL_DB_PASSWORD_FILE")
    }
    let database = DatabaseSettings(
      host: string("DB_HOST", shape.dbHost) ?? "127.0.0.1",
      port: try int("DB_PORT", shape.dbPort) ?? 5432,
      database: string("DB_NAME", shape.dbName) ?? "hall",
      username: string("DB_USER", shape.dbUser) ?? "hall_\(service)",
      password: password,
      schema: service,
      maxConnections: try int("DB_MAX_CONNECTIONS", shape.dbMaxConnections) ?? 20)
    return ServiceSettings(
      deployment: string("DEPLOYMENT", shape.deployment) ?? "local",
      listenHost: string("LISTEN_HOST", shape.listenHost) ?? "127.0.0.1",
      listenPort: try int("LISTEN_PORT", shape.listenPort) ?? defaultPort,
      tokenPublicKey: publicKey,
      database: database,
      logLevel: string("LOG_LEVEL", shape.logLevel) ?? "info")
  }
}
