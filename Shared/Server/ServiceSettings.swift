public import Foundation
public import HallCalendar
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
  /// This service's own token, for calls to the other services (feeds): a `service` token
  /// minted by the deployment's operator.
  public var serviceToken: String?
  /// Every other setting, by its environment name without the `HALL_` prefix (file keys in
  /// lowerCamelCase are stored under the same name), for what one service alone reads:
  /// policies, the addresses of the services it talks to.
  public var options: [String: String]
  /// Where the service reads "now" (``WallClock``): the machine's clock, moved by
  /// `HALL_CLOCK_OFFSET_SECONDS` in a training hall, or a test's own.
  public var clock: WallClock

  public init(
    deployment: String, listenHost: String = "127.0.0.1", listenPort: Int,
    tokenPublicKey: String, database: DatabaseSettings, logLevel: String = "info",
    serviceToken: String? = nil, options: [String: String] = [:], clock: WallClock = .system
  ) {
    self.deployment = deployment
    self.listenHost = listenHost
    self.listenPort = listenPort
    self.tokenPublicKey = tokenPublicKey
    self.database = database
    self.logLevel = logLevel
    self.serviceToken = serviceToken
    self.options = options
    self.clock = clock
  }

  /// Where each service listens unless told otherwise, so that one machine runs the whole
  /// hall with no address settings.
  public static let defaultPorts = [
    "catalog": 50051, "intake": 50052, "rating": 50053, "supervision": 50054,
  ]

  /// Where another service of the deployment listens: `HALL_<NAME>_ADDR` as host:port.
  public func address(of service: String) throws -> (host: String, port: Int) {
    let key = "\(service.uppercased())_ADDR"
    guard let text = options[key] else {
      guard let port = Self.defaultPorts[service] else {
        throw Problem(description: "HALL_\(key) is required: \(service) has no default port")
      }
      return ("127.0.0.1", port)
    }
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
      (1...65535).contains(port)
    else {
      throw Problem(description: "HALL_\(key) must be host:port, not \(text)")
    }
    return (String(text[..<colon]), port)
  }

  /// A whole-number option, or `defaultValue` when unset.
  public func intOption(_ key: String, default defaultValue: Int, range: ClosedRange<Int>)
    throws -> Int
  {
    guard let text = options[key] else { return defaultValue }
    guard let value = Int(text), range.contains(value) else {
      throw Problem(
        description:
          "HALL_\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)"
      )
    }
    return value
  }

  /// An option that must be one of `choices`, or `defaultValue` when unset.
  public func choiceOption(_ key: String, default defaultValue: String, choices: [String]) throws
    -> String
  {
    guard let text = options[key] else { return defaultValue }
    guard choices.contains(text) else {
      throw Problem(
        description: "HALL_\(key) must be one of \(choices.joined(separator: ", ")), not \(text)")
    }
    return text
  }

  public struct Problem: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
      self.description = description
    }
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
    var serviceToken: String?
    var serviceTokenFile: String?
  }

  /// Loads the settings of `service` (its schema and default role name).
  ///
  /// Environment: HALL_DEPLOYMENT, HALL_LISTEN_HOST, HALL_LISTEN_PORT,
  /// HALL_TOKEN_PUBLIC_KEY or HALL_TOKEN_PUBLIC_KEY_FILE, HALL_DB_HOST, HALL_DB_PORT,
  /// HALL_DB_NAME, HALL_DB_USER, HALL_DB_PASSWORD or HALL_DB_PASSWORD_FILE,
  /// HALL_DB_MAX_CONNECTIONS, HALL_LOG_LEVEL, HALL_SERVICE_TOKEN or HALL_SERVICE_TOKEN_FILE,
  /// HALL_CLOCK_OFFSET_SECONDS, and any other HALL_* option a service reads (``options``).
  public static func load(
    service: String, defaultPort: Int, file: String?,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> ServiceSettings {
    var shape = FileShape()
    var options: [String: String] = [:]
    if let file {
      do {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        shape = try JSONDecoder().decode(FileShape.self, from: data)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        for (key, value) in object {
          if let text = value as? String {
            options[environmentName(key)] = text
          } else if let number = value as? NSNumber {
            options[environmentName(key)] = number.stringValue
          }
        }
      } catch {
        throw Problem(description: "cannot read settings file \(file): \(error)")
      }
    }
    for (key, value) in environment where key.hasPrefix("HALL_") {
      options[String(key.dropFirst(5))] = value
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
      logLevel: string("LOG_LEVEL", shape.logLevel) ?? "info",
      serviceToken: try secret(
        "SERVICE_TOKEN", shape.serviceToken, "SERVICE_TOKEN_FILE", shape.serviceTokenFile),
      options: options,
      clock: try clock(offset: options["CLOCK_OFFSET_SECONDS"]))
  }

  /// `HALL_CLOCK_OFFSET_SECONDS`: how far a training hall's clock stands from the machine's
  /// (negative: behind it), up to a hundred years either way; unset in production.
  public static func clock(offset text: String?) throws -> WallClock {
    guard let text else { return .system }
    let limit: Int64 = 100 * 366 * 86_400
    guard let seconds = Int64(text), (-limit...limit).contains(seconds) else {
      throw Problem(
        description:
          "HALL_CLOCK_OFFSET_SECONDS must be whole seconds within ±\(limit), not \(text.prefix(40))"
      )
    }
    return seconds == 0 ? .system : .offset(by: seconds)
  }

  /// "dbHost" → "DB_HOST": a file key under its environment name.
  static func environmentName(_ key: String) -> String {
    var name = ""
    for character in key {
      if character.isUppercase, !name.isEmpty { name.append("_") }
      name.append(contentsOf: character.uppercased())
    }
    return name
  }
}
