import Foundation
public import HallAuth

/// This deployment's place in the network of halls (FED-1): its name, level and region, and
/// the neighbours it links to, the city above a district or the districts below a city, with
/// their keys and addresses. Every service of a deployment reads the same settings, and
/// uses what its links need.
public struct DeploymentIdentity: Sendable, Equatable {
  public enum Level: String, Sendable, CaseIterable, Comparable {
    case province, city, district, township

    /// Higher levels first: a province above a city above a district above a township.
    public static func < (left: Level, right: Level) -> Bool {
      allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }
  }

  /// A deployment this one links to.
  public struct Neighbour: Sendable, Equatable {
    public var trusted: TrustedDeployment
    public var level: Level
    /// Where its services listen, by service name ("catalog", "intake", …).
    public var addresses: [String: PeerAddress]

    public var name: String { trusted.name }
    public var regionCode: String { trusted.regionCode }
  }

  public var name: String
  public var level: Level
  /// Empty only for a hall outside any network (no `HALL_NETWORK_FILE`).
  public var regionCode: String
  public var parent: Neighbour?
  public var children: [Neighbour]

  /// What the ids that cross the link to the deployment above begin with (a case number, a
  /// ticket, an application; ratings and invitations are named after their case), so that
  /// the city tells two districts' "…-000007" apart (FED-1): the region code and a dash. A
  /// deployment without a parent numbers as a lone hall does.
  public var idPrefix: String {
    parent == nil || regionCode.isEmpty ? "" : "\(regionCode)-"
  }

  /// Every neighbour, parent first.
  public var neighbours: [Neighbour] { [parent].compactMap { $0 } + children }

  public func neighbour(named name: String) -> Neighbour? {
    neighbours.first { $0.name == name }
  }
}

extension DeploymentIdentity {
  /// A deployment name: what tokens name as their issuer and what ids are told apart by.
  static func checkName(_ name: String, _ what: String) throws(ServiceSettings.Problem) {
    let allowed = name.utf8.allSatisfy {
      ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D
    }
    guard (1...63).contains(name.utf8.count), allowed, name.first != "-" else {
      throw ServiceSettings.Problem(
        description:
          "\(what) \(Quote.brief(name)) is not a deployment name (1 to 63 of a-z, 0-9 and -)")
    }
  }

  /// Reads HALL_LEVEL, HALL_REGION_CODE and, when set, HALL_NETWORK_FILE (the neighbours, as
  /// JSON: ``NetworkFile``), and checks that they fit together: each neighbour's region
  /// within or around this one's, as its level says.
  public static func load(
    deployment: String, options: [String: String]
  ) throws(ServiceSettings.Problem) -> DeploymentIdentity {
    try checkName(deployment, "HALL_DEPLOYMENT")
    let levelText = options["LEVEL"] ?? "city"
    guard let level = Level(rawValue: levelText) else {
      throw ServiceSettings.Problem(
        description:
          "HALL_LEVEL is \(Quote.brief(levelText)); one of \(Level.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    let regionText = options["REGION_CODE"] ?? ""
    if !regionText.isEmpty, RegionCode(regionText) == nil {
      throw ServiceSettings.Problem(
        description:
          "HALL_REGION_CODE is \(Quote.brief(regionText)); a GB/T 2260 code has six digits (nine for a township)"
      )
    }
    var identity = DeploymentIdentity(
      name: deployment, level: level, regionCode: regionText, parent: nil, children: [])
    guard let path = options["NETWORK_FILE"] else { return identity }
    let file = try NetworkFile.read(path)
    guard let own = RegionCode(regionText) else {
      throw ServiceSettings.Problem(
        description: "HALL_NETWORK_FILE is set: HALL_REGION_CODE must name this deployment's region"
      )
    }
    if let parent = file.parent {
      identity.parent = try parent.neighbour(
        relation: .parent, around: own, level: level, own: deployment, in: path)
    }
    identity.children = try file.children.map { child throws(ServiceSettings.Problem) in
      try child.neighbour(relation: .child, around: own, level: level, own: deployment, in: path)
    }
    let names = identity.neighbours.map(\.name)
    if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
      throw ServiceSettings.Problem(description: "\(path): \(repeated) is named twice")
    }
    return identity
  }
}
