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
