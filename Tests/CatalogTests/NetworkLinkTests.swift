import Crypto
import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallServer
import HallTestSupport
import Testing

@testable import CatalogService

/// FED-1, FED-2, SEC-1: a city takes the link tokens of the districts its network file
/// declares, each signed with the district's own key. A district may follow the city's
/// catalog feed and no other; a deployment the city was not told of is not let in.
@Suite("Links between deployments (FED-1)")
struct NetworkLinkTests {
  static let hualongKey = Curve25519.Signing.PrivateKey()

  /// The city's settings: Puyang (410900), with Hualong district below it.
  static func cityOptions(folder: URL) throws -> [String: String] {
    let file = folder.appendingPathComponent("network.json")
    let network: [String: Any] = [
      "children": [
        [
          "name": "hualong-district", "level": "district", "region_code": "410902",
          "public_key": hualongKey.publicKey.rawRepresentation.base64EncodedString(),
        ]
      ]
    ]
    try JSONSerialization.data(withJSONObject: network).write(to: file)
    return ["LEVEL": "city", "REGION_CODE": "410900", "NETWORK_FILE": file.path]
  }

  static func link(_ key: Curve25519.Signing.PrivateKey, issuer: String) throws -> String {
    try TokenSigner(privateKey: key, issuer: issuer).mint(
      Principal(subject: issuer, role: .districtLink))
  }

  /// Subscribes with `token` and returns once the first message (a heartbeat or an event)
  /// has come.
  func follow(port: Int, token: String) async throws {
    try await ServiceClient.with(host: "127.0.0.1", port: port, token: token) { client in
      try await Hall_Events_V1_EventFeed.Client(wrapping: client).subscribe(
        .init(), options: .timeout(.seconds(10))
      ) { response in
        for try await _ in response.messages { return }
      }
    }
  }

  @Test("a declared district follows the city's catalog feed, and no other feed of the city")
  func catalogOnly() async throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("hall-network-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let options = try Self.cityOptions(folder: folder)
    let hualong = try Self.link(Self.hualongKey, issuer: "hualong-district")
    try await TestService.with(CatalogService.Catalog.definition, options: options) { catalog in
      try await follow(port: catalog.port, token: hualong)
      // A deployment the network file does not name, and a forged Hualong token.
      let stranger = try Self.link(Curve25519.Signing.PrivateKey(), issuer: "qingfeng-county")
      await expectRefusal(.unauthenticated, containing: "qingfeng-county") {
        try await follow(port: catalog.port, token: stranger)
      }
      let forged = try Self.link(Curve25519.Signing.PrivateKey(), issuer: "hualong-district")
      await expectRefusal(.unauthenticated) { try await follow(port: catalog.port, token: forged) }
    }
    try await TestService.with(OutboxProducer.definition, options: options) { intake in
      await expectRefusal(.permissionDenied, containing: "catalog feed only") {
        try await follow(port: intake.port, token: hualong)
      }
    }
  }

  @Test("a service whose network file does not fit stops before it serves")
  func misfitStops() async throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("hall-network-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var options = try Self.cityOptions(folder: folder)
    options["REGION_CODE"] = "410100"  // Zhengzhou: Hualong is not inside it
    await #expect(throws: ServiceSettings.Problem.self) {
      try await TestService.with(CatalogService.Catalog.definition, options: options) { _ in }
    }
  }
}
