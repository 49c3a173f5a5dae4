import Crypto
import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import CatalogService

/// FED-1, FED-2, SEC-1: a city takes the link tokens of the districts its network file
/// declares, each signed with the district's own key. A district may follow the city's
/// catalog feed whole and, of the others, only what is addressed to its region; a deployment
/// the city was not told of is not let in.
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

  @Test("a declared district follows the city's catalog feed, and of the others its own events")
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
    // Of the city's other feeds, the district reads only what is addressed to its region
    // (FED-4: the city's replies to the cases it passed up).
    try await TestService.with(OutboxProducer.definition, options: options) { intake in
      try await intake.database.withClient { client in
        try await client.withConnection { connection in
          let now = Date()
          try await Outbox.append(
            [
              .init(
                type: "intake.referral.replied", aggregateID: "410902-A", payload: note("A"),
                at: now, audience: "410902"),
              .init(
                type: "intake.referral.replied", aggregateID: "410922-B", payload: note("B"),
                at: now, audience: "410922"),
              .init(type: "intake.case.accepted", aggregateID: "C", payload: note("C"), at: now),
            ], on: connection, logger: Logger(label: "test"))
        }
      }
      let seen = try await ServiceClient.with(host: "127.0.0.1", port: intake.port, token: hualong)
      { client in
        try await Hall_Events_V1_EventFeed.Client(wrapping: client).subscribe(
          .init(), options: .timeout(.seconds(20))
        ) { response in
          var seen: [String] = []
          for try await message in response.messages {
            if case .event(let event) = message.item { seen.append(event.aggregateID) }
            if case .heartbeat(let beat) = message.item, beat.headCursor >= 3,
              beat.cursor >= beat.headCursor
            {
              break
            }
          }
          return seen
        }
      }
      #expect(seen == ["410902-A"])
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

/// A payload for events whose content the test does not read.
private func note(_ text: String) -> Google_Protobuf_StringValue { .init(text) }
