public import Crypto

/// Another deployment of the network (FED-1): the city above a district, or a district
/// below its city. Its link tokens are signed with its own key and accepted here (SEC-1,
/// SEC-4), for one role only, `district_link`, and for the region it was declared with: a
/// district's token cannot speak for another region, whatever its claims say.
public struct TrustedDeployment: Sendable, Equatable {
  public enum Relation: String, Sendable {
    /// The deployment above: it reads this one's data (FED-3) and decides what is passed up
    /// (FED-4).
    case parent
    /// A deployment below: it follows this one's catalog (FED-2) and reads its own data back.
    case child
  }

  /// Its `HALL_DEPLOYMENT`, the issuer of its tokens.
  public var name: String
  public var relation: Relation
  /// Its GB/T 2260 code: what its callers stand for here.
  public var regionCode: String
  public var publicKey: Curve25519.Signing.PublicKey

  public init(
    name: String, relation: Relation, regionCode: String,
    publicKey: Curve25519.Signing.PublicKey
  ) {
    self.name = name
    self.relation = relation
    self.regionCode = regionCode
    self.publicKey = publicKey
  }

  public static func == (left: Self, right: Self) -> Bool {
    left.name == right.name && left.relation == right.relation
      && left.regionCode == right.regionCode
      && left.publicKey.rawRepresentation == right.publicKey.rawRepresentation
  }

  /// The caller a verified token of this deployment stands for.
  func linkCaller(_ claimed: Principal) throws(TokenError) -> Principal {
    guard claimed.role == .districtLink else {
      throw .invalidClaims(
        "a token of deployment \(name) may only carry the role district_link, not \(claimed.role.rawValue)"
      )
    }
    var caller = claimed
    caller.regionCode = regionCode
    caller.departmentID = nil
    caller.hallID = nil
    caller.deployment = name
    caller.linkRelation = relation
    return caller
  }
}
