import Foundation
import HallAuth

/// Network files (`HALL_NETWORK_FILE`) for tests of a city and its districts, whose
/// deployments all sign with the test key (``TestKeys``) under their own names.
public enum TestNetwork {
  /// Writes `network` to a file of its own in the temporary folder and returns its path.
  public static func file(_ network: [String: Any]) throws -> String {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("hall-network-\(UUID().uuidString).json")
    try JSONSerialization.data(withJSONObject: network).write(to: file)
    return file.path
  }

  /// A neighbour's entry, its tokens signed with the test key.
  public static func neighbour(
    _ name: String, level: String, region: String, addresses: [String: String] = [:]
  ) -> [String: Any] {
    [
      "name": name, "level": level, "region_code": region, "public_key": TestKeys.publicKey,
      "addresses": addresses,
    ]
  }

  /// Puyang city, the deployment above the tests' Hualong district.
  public static let city = "puyang-city"

  /// The settings that make the test's own deployment (``TestKeys/deployment``) Hualong
  /// district (410902) below Puyang city, whose services listen at `cityAddresses`, with
  /// its link token. The network file is the caller's to remove (``remove(_:)``).
  public static func district(below cityAddresses: [String: String] = [:]) throws
    -> [String: String]
  {
    [
      "LEVEL": "district", "REGION_CODE": "410902",
      "NETWORK_FILE": try file([
        "parent": neighbour(city, level: "city", region: "410900", addresses: cityAddresses)
      ]),
      "LINK_TOKEN": TestKeys.token(
        .districtLink, subject: TestKeys.deployment, deployment: TestKeys.deployment),
    ]
  }

  /// The settings of Puyang city (410900), deployment ``city``, above the test's own as
  /// Hualong district, whose services listen at `districtAddresses`.
  public static func city(above districtAddresses: [String: String]) throws -> [String: String] {
    [
      "LEVEL": "city", "REGION_CODE": "410900",
      "NETWORK_FILE": try file([
        "children": [
          neighbour(
            TestKeys.deployment, level: "district", region: "410902",
            addresses: districtAddresses)
        ]
      ]),
      "LINK_TOKEN": TestKeys.token(.districtLink, subject: city, deployment: city),
    ]
  }

  /// Removes the network file of settings made here.
  public static func remove(_ options: [String: String]) {
    if let path = options["NETWORK_FILE"] { try? FileManager.default.removeItem(atPath: path) }
  }
}
