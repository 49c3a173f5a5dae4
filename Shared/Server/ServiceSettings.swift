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

  /// Where another service of the deployment listens: `HALL_<NAME>_ADDR` as host:port (a
  /// DNS name, an IPv4 literal or a bracketed IPv6 one), by default this machine's loopback.
  public func address(of service: String) throws -> PeerAddress {
    let key = "\(service.uppercased())_ADDR"
    guard let text = options[key] else {
      guard let port = Self.defaultPorts[service] else {
        throw Problem(description: "HALL_\(key) is required: \(service) has no default port")
      }
      return .loopback(port: port)
    }
    do {
      return try PeerAddress(parsing: text)
    } catch let error as PeerAddressError {
      throw Problem(description: "HALL_\(key) \(error.description)")
    }
  }

  /// A whole-number option, or `defaultValue` when unset.
  public func intOption(_ key: String, default defaultValue: Int, range: ClosedRange<Int>)
    throws -> Int
  {
    try Self.int(key, in: options, default: defaultValue, range: range)
  }

  /// An option that must be one of `choices`, or `defaultValue` when unset.
  public func choiceOption(_ key: String, default defaultValue: String, choices: [String]) throws
    -> String
  {
    try Self.choice(key, in: options, default: defaultValue, choices: choices)
  }

  public struct Problem: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
      self.description = description
    }
  }

  /// Loads the settings of `service` (its schema and default role name): the file's keys,
  /// in lowerCamelCase, under their environment names, then the `HALL_*` environment over
  /// them. Every number is held to its range here, before anything starts.
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
    var options = try file.map(fileOptions) ?? [:]
    for (key, value) in environment where key.hasPrefix("HALL_") {
      options[String(key.dropFirst(5))] = value
    }
    guard let publicKey = try secret("TOKEN_PUBLIC_KEY", in: options) else {
      throw Problem(
        description: "no token public key: set HALL_TOKEN_PUBLIC_KEY or HALL_TOKEN_PUBLIC_KEY_FILE")
    }
    guard let password = try secret("DB_PASSWORD", in: options) else {
      throw Problem(
        description: "no database password: set HALL_DB_PASSWORD or HALL_DB_PASSWORD_FILE")
    }
    let database = DatabaseSettings(
      host: options["DB_HOST"] ?? "127.0.0.1",
      port: try int("DB_PORT", in: options, default: 5432, range: 1...65535),
      database: options["DB_NAME"] ?? "hall",
      username: options["DB_USER"] ?? "hall_\(service)",
      password: password,
      schema: service,
      maxConnections: try int("DB_MAX_CONNECTIONS", in: options, default: 20, range: 1...1000),
      tls: try databaseTLS(options))
    return ServiceSettings(
      deployment: options["DEPLOYMENT"] ?? "local",
      listenHost: options["LISTEN_HOST"] ?? "127.0.0.1",
      listenPort: try int("LISTEN_PORT", in: options, default: defaultPort, range: 0...65535),
      tokenPublicKey: publicKey,
      database: database,
      logLevel: options["LOG_LEVEL"] ?? "info",
      serviceToken: try secret("SERVICE_TOKEN", in: options),
      options: options,
      clock: try clock(offset: options["CLOCK_OFFSET_SECONDS"]))
  }

  /// HALL_DB_TLS: `verify-full`, the server's certificate checked against the authority in
  /// HALL_DB_CA_FILE (or the system's roots), or `disable`, which only a database on this
  /// machine's loopback may have. Unset, it is `disable` on loopback without an authority
  /// and `verify-full` everywhere else.
  static func databaseTLS(_ options: [String: String]) throws -> DatabaseTLS {
    let authority = options["DB_CA_FILE"]
    let host = options["DB_HOST"] ?? "127.0.0.1"
    let local = PeerAddress.isLoopback(host: host)
    let mode = try choice(
      "DB_TLS", in: options, default: local && authority == nil ? "disable" : "verify-full",
      choices: ["disable", "verify-full"])
    if mode == "verify-full" { return .verifyFull(authorityFile: authority) }
    guard local else {
      throw Problem(
        description:
          "HALL_DB_TLS=disable is for a database on this machine only; \(host.prefix(80)) needs verify-full (and HALL_DB_CA_FILE for a private authority)"
      )
    }
    return .disable
  }

  /// A settings file's string and number values, by their environment names.
  static func fileOptions(_ file: String) throws -> [String: String] {
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: file))
      guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw Problem(description: "the file is not a JSON object")
      }
      var options: [String: String] = [:]
      for (key, value) in object {
        if let text = value as? String {
          options[environmentName(key)] = text
        } else if let number = value as? NSNumber {
          options[environmentName(key)] = number.stringValue
        }
      }
      return options
    } catch {
      throw Problem(description: "cannot read settings file \(file): \(error)")
    }
  }

  /// This deployment's own `district_link` token (`HALL_LINK_TOKEN` or `HALL_LINK_TOKEN_FILE`),
  /// signed with its key, which its links show to the deployments it follows (FED-1).
  public func linkToken() throws -> String? {
    try Self.secret("LINK_TOKEN", in: options)
  }

  /// A secret given directly (`KEY`) or in a file (`KEY_FILE`), trimmed; nil when neither.
  static func secret(_ key: String, in options: [String: String]) throws -> String? {
    if let direct = options[key] { return direct }
    guard let path = options["\(key)_FILE"] else { return nil }
    do {
      return try String(contentsOfFile: path, encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    } catch {
      throw Problem(description: "cannot read HALL_\(key)_FILE \(path): \(error)")
    }
  }

  static func choice(
    _ key: String, in options: [String: String], default defaultValue: String, choices: [String]
  ) throws -> String {
    guard let text = options[key] else { return defaultValue }
    guard choices.contains(text) else {
      throw Problem(
        description:
          "HALL_\(key) must be one of \(choices.joined(separator: ", ")), not \(text.prefix(40))")
    }
    return text
  }

  static func int(
    _ key: String, in options: [String: String], default defaultValue: Int,
    range: ClosedRange<Int>
  ) throws -> Int {
    guard let text = options[key] else { return defaultValue }
    guard let value = Int(text), range.contains(value) else {
      throw Problem(
        description:
          "HALL_\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text.prefix(40))"
      )
    }
    return value
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
