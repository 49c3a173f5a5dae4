import Foundation

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
}
