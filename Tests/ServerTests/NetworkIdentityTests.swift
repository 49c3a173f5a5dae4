import Crypto
import Foundation
import HallAuth
import HallServer
import Testing

/// FED-1: a deployment's place in the network (name, level, region, neighbours) is read from
/// its settings and checked before it serves; a neighbour's link token is accepted for its
/// own region only, and nothing but a link.
@Suite("The network of halls: identity and links (FED-1)")
struct NetworkIdentityTests {
  static let cityKey = Curve25519.Signing.PrivateKey()
  static let hualongKey = Curve25519.Signing.PrivateKey()
  static let now = Date(timeIntervalSince1970: 1_795_485_600)

  static func neighbour(
    _ name: String, level: String, region: String, key: Curve25519.Signing.PrivateKey,
    addresses: [String: String] = [:]
  ) -> [String: Any] {
    [
      "name": name, "level": level, "region_code": region,
      "public_key": key.publicKey.rawRepresentation.base64EncodedString(), "addresses": addresses,
    ]
  }

  /// Writes `network` as a network file and loads the identity of `deployment` with it.
  static func load(
    _ deployment: String, level: String, region: String, network: [String: Any]
  ) throws -> DeploymentIdentity {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("hall-network-\(UUID().uuidString).json")
    try JSONSerialization.data(withJSONObject: network).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    return try DeploymentIdentity.load(
      deployment: deployment,
      options: ["LEVEL": level, "REGION_CODE": region, "NETWORK_FILE": file.path])
  }

  @Test("region codes: six or nine digits, and which division lies inside which")
  func regionCodes() throws {
    let henan = try #require(RegionCode("410000"))
    let puyang = try #require(RegionCode("410900"))
    let hualong = try #require(RegionCode("410902"))
    let township = try #require(RegionCode("410902001"))
    #expect(henan.contains(puyang) && henan.contains(hualong))
    #expect(puyang.contains(hualong) && puyang.contains(township))
    #expect(hualong.contains(township))
    #expect(!puyang.contains(puyang) && !hualong.contains(puyang))
    #expect(!puyang.contains(try #require(RegionCode("410100"))))
    for bad in ["", "41090", "4109021", "41090a", "４１０９００"] { #expect(RegionCode(bad) == nil) }
  }

  @Test("a district knows its city, with its key, its region and where its services are")
  func district() throws {
    let identity = try Self.load(
      "hualong-district", level: "district", region: "410902",
      network: [
        "parent": Self.neighbour(
          "puyang-city", level: "city", region: "410900", key: Self.cityKey,
          addresses: ["catalog": "catalog.puyang.example:50051"])
      ])
    let parent = try #require(identity.parent)
    #expect(parent.name == "puyang-city" && parent.trusted.relation == .parent)
    #expect(
      parent.addresses["catalog"] == PeerAddress(host: .name("catalog.puyang.example"), port: 50051)
    )
    #expect(identity.children.isEmpty && identity.level == .district)
  }

  /// Network files that do not fit a district of Hualong (410902), and what the refusal says.
  static var misfits: [String: (network: [String: Any], says: String)] {
    [
      "a parent below": (
        ["parent": neighbour("x", level: "district", region: "410900", key: cityKey)],
        "cannot be the parent"
      ),
      "a parent elsewhere": (
        ["parent": neighbour("x", level: "city", region: "410100", key: cityKey)], "not around"
      ),
      "a child elsewhere": (
        ["children": [neighbour("x", level: "township", region: "410901001", key: cityKey)]],
        "not inside"
      ),
      "itself": (
        ["parent": neighbour("hualong-district", level: "city", region: "410900", key: cityKey)],
        "this deployment itself"
      ),
      "a bad key": (
        ["parent": ["name": "x", "level": "city", "region_code": "410900", "public_key": "AAAA"]],
        "public_key"
      ),
      "a bad address": (
        [
          "parent": neighbour(
            "x", level: "city", region: "410900", key: cityKey, addresses: ["catalog": "nowhere"])
        ], "not host:port"
      ),
      "an unknown service": (
        [
          "parent": neighbour(
            "x", level: "city", region: "410900", key: cityKey, addresses: ["billing": "b:1"])
        ], "no service"
      ),
      "a bad name": (
        ["parent": neighbour("Puyang City", level: "city", region: "410900", key: cityKey)],
        "not a deployment name"
      ),
      "a missing key": (
        ["parent": ["name": "x", "level": "city", "region_code": "410900"]], "lacks public_key"
      ),
    ]
  }

  @Test("a network file that does not fit is refused, saying what does not")
  func refusals() {
    for (what, misfit) in Self.misfits {
      do {
        _ = try Self.load(
          "hualong-district", level: "district", region: "410902", network: misfit.network)
        Issue.record("\(what) was accepted")
      } catch {
        #expect("\(error)".contains(misfit.says), "\(what): \(error)")
      }
    }
  }

  @Test("settings without a network: a lone hall; with one, a region is required")
  func settings() throws {
    let alone = try DeploymentIdentity.load(deployment: "local", options: [:])
    #expect(alone.level == .city && alone.neighbours.isEmpty)
    #expect(throws: ServiceSettings.Problem.self) {
      try DeploymentIdentity.load(deployment: "local", options: ["LEVEL": "ward"])
    }
    #expect(throws: ServiceSettings.Problem.self) {
      try DeploymentIdentity.load(deployment: "local", options: ["REGION_CODE": "41-09"])
    }
    #expect(throws: ServiceSettings.Problem.self) {
      try DeploymentIdentity.load(deployment: "Local Hall", options: [:])
    }
    #expect(throws: ServiceSettings.Problem.self) {
      try Self.load("puyang-city", level: "city", region: "", network: [:])
    }
  }

  @Test(
    "a neighbour's link token stands for its own region, whatever it claims; nothing else passes")
  func linkTokens() throws {
    let hualong = TrustedDeployment(
      name: "hualong-district", relation: .child, regionCode: "410902",
      publicKey: Self.hualongKey.publicKey)
    let city = TokenVerifier(
      publicKey: Self.cityKey.publicKey, issuer: "puyang-city", trusted: [hualong])
    let link = try TokenSigner(privateKey: Self.hualongKey, issuer: "hualong-district").mint(
      Principal(subject: "hualong-district", role: .districtLink, regionCode: "410928"),
      now: Self.now)
    let caller = try city.verify(link, now: Self.now)
    #expect(caller.role == .districtLink && caller.regionCode == "410902")
    #expect(caller.deployment == "hualong-district" && caller.linkRelation == .child)
    // Another role from a neighbour: refused.
    let clerk = try TokenSigner(privateKey: Self.hualongKey, issuer: "hualong-district").mint(
      Principal(subject: "c", role: .supervisor), now: Self.now)
    #expect(throws: TokenError.self) { try city.verify(clerk, now: Self.now) }
    // Signed with another key under the neighbour's name: refused.
    let forged = try TokenSigner(
      privateKey: Curve25519.Signing.PrivateKey(), issuer: "hualong-district"
    )
    .mint(Principal(subject: "x", role: .districtLink), now: Self.now)
    #expect(throws: TokenError.badSignature) { try city.verify(forged, now: Self.now) }
    // A deployment nobody declared: refused by name.
    let stranger = try TokenSigner(privateKey: Self.hualongKey, issuer: "qingfeng-county")
      .mint(Principal(subject: "x", role: .districtLink), now: Self.now)
    #expect(throws: TokenError.wrongIssuer("qingfeng-county")) {
      try city.verify(stranger, now: Self.now)
    }
    // The city's own tokens still pass, with no neighbour attached.
    let own = try TokenSigner(privateKey: Self.cityKey, issuer: "puyang-city").mint(
      Principal(subject: "s", role: .supervisor), now: Self.now)
    #expect(try city.verify(own, now: Self.now).deployment == nil)
  }
}
