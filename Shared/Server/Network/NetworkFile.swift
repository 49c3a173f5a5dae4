import Foundation
import HallAuth

/// The neighbours of a deployment as its operator writes them (`HALL_NETWORK_FILE`):
///
/// ```json
/// {"parent": {"name": "puyang-city", "level": "city", "region_code": "410900",
///             "public_key": "<base64 Ed25519>",
///             "addresses": {"catalog": "catalog.puyang-city.example:50051"}},
///  "children": []}
/// ```
///
/// A neighbour's public key is the one its tokens are signed with (`hallctl keys`); its
/// addresses are where this deployment's links find its services.
struct NetworkFile: Decodable {
  struct Entry: Decodable {
    var name: String
    var level: String
    var regionCode: String
    var publicKey: String
    var addresses: [String: String]?

    enum CodingKeys: String, CodingKey {
      case name, level, addresses
      case regionCode = "region_code"
      case publicKey = "public_key"
    }
  }

  var parent: Entry?
  var children: [Entry] = []

  enum CodingKeys: CodingKey {
    case parent, children
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    parent = try container.decodeIfPresent(Entry.self, forKey: .parent)
    children = try container.decodeIfPresent([Entry].self, forKey: .children) ?? []
  }

  static func read(_ path: String) throws(ServiceSettings.Problem) -> NetworkFile {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ServiceSettings.Problem(description: "HALL_NETWORK_FILE \(path) cannot be read")
    }
    guard data.count <= 1 << 20 else {
      throw ServiceSettings.Problem(description: "\(path) is larger than 1 MiB")
    }
    do {
      return try JSONDecoder().decode(NetworkFile.self, from: data)
    } catch let DecodingError.keyNotFound(key, _) {
      throw ServiceSettings.Problem(description: "\(path): a neighbour lacks \(key.stringValue)")
    } catch {
      throw ServiceSettings.Problem(
        description: "\(path) is not a network file (parent and children, as JSON)")
    }
  }
}

extension NetworkFile.Entry {
  /// The neighbour this entry describes, checked against this deployment: a parent of a
  /// higher level whose region contains this one's, children of lower levels inside it.
  func neighbour(
    relation: TrustedDeployment.Relation, around own: RegionCode,
    level ownLevel: DeploymentIdentity.Level, own ownName: String, in path: String
  ) throws(ServiceSettings.Problem) -> DeploymentIdentity.Neighbour {
    let what = "\(path): \(relation) \(Quote.brief(name))"
    try DeploymentIdentity.checkName(name, "\(path): a \(relation)'s name")
    guard name != ownName else {
      throw ServiceSettings.Problem(description: "\(what) is this deployment itself")
    }
    guard let level = DeploymentIdentity.Level(rawValue: self.level) else {
      throw ServiceSettings.Problem(description: "\(what) has level \(Quote.brief(self.level))")
    }
    guard relation == .parent ? level < ownLevel : ownLevel < level else {
      throw ServiceSettings.Problem(
        description:
          "\(what) is a \(level.rawValue), which cannot be the \(relation) of a \(ownLevel.rawValue)"
      )
    }
    guard let region = RegionCode(regionCode) else {
      throw ServiceSettings.Problem(
        description: "\(what) has region_code \(Quote.brief(regionCode)); six or nine digits")
    }
    guard relation == .parent ? region.contains(own) : own.contains(region) else {
      throw ServiceSettings.Problem(
        description:
          "\(what): region \(region) is not \(relation == .parent ? "around" : "inside") this deployment's \(own)"
      )
    }
    guard let key = try? SigningKeyFile.publicKey(base64: publicKey) else {
      throw ServiceSettings.Problem(description: "\(what): public_key is not an Ed25519 key")
    }
    var addresses: [String: PeerAddress] = [:]
    for (service, text) in self.addresses ?? [:] {
      guard ["catalog", "intake", "rating", "supervision"].contains(service) else {
        throw ServiceSettings.Problem(
          description: "\(what): no service is called \(Quote.brief(service))")
      }
      do {
        addresses[service] = try PeerAddress(parsing: text)
      } catch {
        throw ServiceSettings.Problem(
          description: "\(what): the \(service) address \(Quote.brief(text)) is not host:port")
      }
    }
    return DeploymentIdentity.Neighbour(
      trusted: TrustedDeployment(
        name: name, relation: relation, regionCode: regionCode, publicKey: key),
      level: level, addresses: addresses)
  }
}
