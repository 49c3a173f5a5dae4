import Foundation
import HallDatabase
import HallServer
import Testing

/// Settings come from a JSON file and the environment, which wins; every number is held to
/// its range before the service starts (OPS-3).
@Suite("Service settings")
struct SettingsTests {
  let base = ["HALL_TOKEN_PUBLIC_KEY": "key", "HALL_DB_PASSWORD": "secret"]

  @Test("the environment wins over the file, whose keys are in lowerCamelCase")
  func environmentWins() throws {
    let file = try temporaryFile(
      #"{"dbHost": "db.example", "dbPort": 6432, "listenPort": 7000, "regionCode": "410902"}"#)
    let settings = try ServiceSettings.load(
      service: "intake", defaultPort: 50052, file: file,
      environment: base.merging(["HALL_LISTEN_PORT": "7001"]) { $1 })
    #expect(settings.database.host == "db.example")
    #expect(settings.database.port == 6432)
    #expect(settings.listenPort == 7001)
    #expect(settings.options["REGION_CODE"] == "410902")
    #expect(settings.database.username == "hall_intake")
  }

  @Test("secrets are read from their files, trimmed")
  func secretsFromFiles() throws {
    let password = try temporaryFile("from-file\n")
    let settings = try ServiceSettings.load(
      service: "rating", defaultPort: 50053, file: nil,
      environment: ["HALL_TOKEN_PUBLIC_KEY": "key", "HALL_DB_PASSWORD_FILE": password])
    #expect(settings.database.password == "from-file")
  }

  @Test(
    "a number out of its range is refused, naming the setting",
    arguments: [
      ("HALL_LISTEN_PORT", "70000"), ("HALL_DB_PORT", "0"), ("HALL_DB_MAX_CONNECTIONS", "-1"),
      ("HALL_DB_PORT", "five"),
    ])
  func outOfRange(key: String, value: String) {
    #expect {
      _ = try ServiceSettings.load(
        service: "catalog", defaultPort: 50051, file: nil,
        environment: base.merging([key: value]) { $1 })
    } throws: { error in
      "\(error)".contains(key) && "\(error)".contains(value)
    }
  }

  @Test("a missing secret is named")
  func missingSecret() {
    #expect {
      _ = try ServiceSettings.load(
        service: "catalog", defaultPort: 50051, file: nil,
        environment: ["HALL_TOKEN_PUBLIC_KEY": "key"])
    } throws: { error in
      "\(error)".contains("HALL_DB_PASSWORD")
    }
  }

  private func temporaryFile(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("hall-settings-\(UUID().uuidString)").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}

/// OPS-3: a peer's address as an operator writes it.
@Suite("Peer addresses")
struct PeerAddressTests {
  @Test("a DNS name, an IPv4 literal and a bracketed IPv6 literal")
  func parses() throws {
    #expect(try PeerAddress(parsing: "intake.hall.svc:50052").host == .name("intake.hall.svc"))
    #expect(try PeerAddress(parsing: "10.0.3.7:50052").host == .ipv4("10.0.3.7"))
    let v6 = try PeerAddress(parsing: "[::1]:50052")
    #expect(v6.host == .ipv6("::1"))
    #expect(v6.isLoopback)
    #expect(v6.description == "[::1]:50052")
    #expect(try PeerAddress(parsing: "localhost:1").isLoopback)
    #expect(try !PeerAddress(parsing: "intake:50052").isLoopback)
  }

  @Test("anything else is refused, quoting it")
  func refuses() {
    for text in [
      "intake", "intake:0", "intake:65536", "intake:x", ":50052", "in take:50052",
      "-intake:50052", "[intake]:50052", "::1:50052", String(repeating: "a", count: 300) + ":1",
    ] {
      #expect(throws: PeerAddressError.self, "\(text)") { try PeerAddress(parsing: text) }
    }
  }

  @Test("HALL_<SERVICE>_ADDR names the setting at fault")
  func settingNamed() throws {
    var settings = ServiceSettings(
      deployment: "t", listenPort: 0, tokenPublicKey: "",
      database: DatabaseSettings(username: "u", password: "p", schema: "s"))
    #expect(try settings.address(of: "intake") == .loopback(port: 50052))
    settings.options = ["INTAKE_ADDR": "intake.hall.svc:50052"]
    #expect(try settings.address(of: "intake").host == .name("intake.hall.svc"))
    settings.options = ["INTAKE_ADDR": "intake.hall.svc"]
    #expect {
      try settings.address(of: "intake")
    } throws: { error in
      "\(error)".contains("HALL_INTAKE_ADDR")
    }
  }
}

/// SEC-4: TLS settings are checked whole before anything starts.
@Suite("TLS settings")
struct TLSSettingsTests {
  @Test("none: plaintext; a pair of readable files: TLS")
  func accepted() throws {
    #expect(try TLSSettings.load(from: [:]) == .plaintext)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID()).pem")
    try "x".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let tls = try TLSSettings.load(from: [
      "TLS_CERT_FILE": file.path, "TLS_KEY_FILE": file.path, "TLS_CA_FILE": file.path,
      "TLS_CLIENT_CERTIFICATES": "require", "TLS_RELOAD_SECONDS": "30",
    ])
    #expect(tls.serves && tls.requireClientCertificates && tls.reloadSeconds == 30)
  }

  @Test("half a pair, client certificates without an authority, a missing file, a bad value")
  func refused() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID()).pem")
    try "x".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let cases: [([String: String], String)] = [
      (["TLS_CERT_FILE": file.path], "go together"),
      (
        [
          "TLS_CERT_FILE": file.path, "TLS_KEY_FILE": file.path,
          "TLS_CLIENT_CERTIFICATES": "require",
        ],
        "HALL_TLS_CA_FILE"
      ),
      (
        ["TLS_CERT_FILE": file.path, "TLS_KEY_FILE": "/nonexistent/key.pem"], "/nonexistent/key.pem"
      ),
      (["TLS_CLIENT_CERTIFICATES": "maybe"], "none, require"),
      (["TLS_RELOAD_SECONDS": "0"], "HALL_TLS_RELOAD_SECONDS"),
    ]
    for (options, text) in cases {
      #expect {
        try TLSSettings.load(from: options)
      } throws: { error in
        "\(error)".contains(text)
      }
    }
  }
}

/// SEC-4: the database connection is TLS unless the database is on this machine.
@Suite("Database TLS settings")
struct DatabaseTLSTests {
  let base = ["HALL_TOKEN_PUBLIC_KEY": "key", "HALL_DB_PASSWORD": "secret"]

  func load(_ environment: [String: String]) throws -> DatabaseTLS {
    try ServiceSettings.load(
      service: "intake", defaultPort: 50052, file: nil,
      environment: base.merging(environment) { $1 }
    ).database.tls
  }

  @Test("loopback without an authority: plaintext; elsewhere or with one: verified TLS")
  func defaults() throws {
    #expect(try load([:]) == .disable)
    #expect(try load(["HALL_DB_HOST": "db.hall.svc"]) == .verifyFull(authorityFile: nil))
    #expect(
      try load(["HALL_DB_CA_FILE": "/etc/hall/ca.pem"])
        == .verifyFull(authorityFile: "/etc/hall/ca.pem"))
  }

  @Test("plaintext to another machine is refused, naming the setting")
  func refused() {
    #expect {
      try load(["HALL_DB_HOST": "db.hall.svc", "HALL_DB_TLS": "disable"])
    } throws: { error in
      "\(error)".contains("HALL_DB_TLS")
    }
  }
}
