public import Crypto
public import Foundation

/// Bearer tokens: compact JWS (JWT) signed with the deployment's Ed25519 key ("EdDSA").
/// Hand-rolled rather than a JWT library because the format is tiny and only one algorithm
/// is ever accepted, which closes the classic "alg" confusion attacks by construction.
public enum TokenError: Error, Equatable, CustomStringConvertible {
  case malformed
  case unsupportedAlgorithm(String)
  case badSignature
  case expired
  case notYetValid
  case wrongIssuer(String)
  case invalidClaims(String)
  case tooLong(Int)

  public var description: String {
    switch self {
    case .malformed: "token is not a compact JWS"
    case .unsupportedAlgorithm(let alg): "token algorithm \(alg) is not accepted (EdDSA only)"
    case .badSignature: "token signature does not verify with its issuer's key"
    case .expired: "token has expired"
    case .notYetValid: "token is not valid yet"
    case .wrongIssuer(let iss):
      "token was issued by \(iss.prefix(63)), neither this deployment nor one it trusts"
    case .invalidClaims(let why): "token claims are invalid: \(why)"
    case .tooLong(let bytes):
      "token is \(bytes) bytes long; at most \(TokenVerifier.maximumLength) are accepted"
    }
  }
}

/// The claims a hall token carries, and no others (a misspelt claim is refused, never
/// ignored):
///
/// | claim | meaning |
/// |---|---|
/// | `iss` | the issuing deployment's name (`HALL_DEPLOYMENT`), e.g. "hualong-district" |
/// | `sub` | who: a staff number, an applicant's id number, a service's name |
/// | `role` | one of ``Role``'s raw values |
/// | `dept` | the department the caller acts for: required for `approver` and `department_admin` |
/// | `region` | the GB/T 2260 code of the caller's deployment or hall |
/// | `hall` | the hall a clerk works in: required for `clerk` |
/// | `iat`, `exp` | issued at and expiry, seconds since 1970; at most 31 days apart |
public struct TokenClaims: Codable, Sendable, Equatable {
  /// Issuer: the deployment's name, e.g. "zhengzhou-city".
  public var iss: String
  public var sub: String
  public var role: String
  public var dept: String?
  public var region: String?
  public var hall: String?
  /// Issued-at and expiry, seconds since 1970.
  public var iat: Int64
  public var exp: Int64

  public init(principal: Principal, issuer: String, issuedAt: Date, lifetime: TimeInterval) {
    iss = issuer
    sub = principal.subject
    role = principal.role.rawValue
    dept = principal.departmentID
    region = principal.regionCode
    hall = principal.hallID
    iat = Int64(issuedAt.timeIntervalSince1970)
    exp = iat + Int64(lifetime)
  }

  /// Every claim a token may carry.
  public static let names: Set<String> = [
    "iss", "sub", "role", "dept", "region", "hall", "iat", "exp",
  ]

  /// The claims a role cannot act without: an approver or a department's administrator acts
  /// for a department, a clerk works in a hall.
  public static func required(by role: Role) -> [String] {
    switch role {
    case .clerk: ["hall"]
    case .approver, .departmentAdmin: ["dept"]
    default: []
    }
  }

  public func principal() throws(TokenError) -> Principal {
    guard let role = Role(rawValue: role) else {
      throw .invalidClaims("unknown role \(role.prefix(40))")
    }
    guard !sub.isEmpty else { throw .invalidClaims("empty subject") }
    for claim in Self.required(by: role) {
      let value = claim == "hall" ? hall : dept
      guard let value, !value.isEmpty else {
        throw .invalidClaims("a \(role.rawValue) token needs the claim \(claim)")
      }
    }
    return Principal(
      subject: sub, role: role, departmentID: dept, regionCode: region, hallID: hall)
  }
}

/// Signs tokens; held only by whoever mints them (an operator through `hallctl`).
public struct TokenSigner: Sendable {
  public let privateKey: Curve25519.Signing.PrivateKey
  public let issuer: String

  public init(privateKey: Curve25519.Signing.PrivateKey, issuer: String) {
    self.privateKey = privateKey
    self.issuer = issuer
  }

  public func mint(
    _ principal: Principal, lifetime: TimeInterval = 8 * 3600, now: Date = Date()
  ) throws -> String {
    guard lifetime > 0, lifetime <= TokenVerifier.maximumLifetime else {
      throw TokenError.invalidClaims(
        "a lifetime of \(Int(lifetime)) s; at most \(Int(TokenVerifier.maximumLifetime)) s")
    }
    let header = Data(#"{"alg":"EdDSA","typ":"JWT"}"#.utf8)
    let claims = TokenClaims(
      principal: principal, issuer: issuer, issuedAt: now, lifetime: lifetime)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(try encoder.encode(claims))
    let signature = try privateKey.signature(for: Data(signingInput.utf8))
    return signingInput + "." + Base64URL.encode(signature)
  }
}

/// Verifies tokens with the deployment's public key; every service holds one.
public struct TokenVerifier: Sendable {
  private let key: Curve25519.Signing.PublicKey
  public let issuer: String
  /// The other deployments of the network whose link tokens this one accepts, by name.
  public let trusted: [String: TrustedDeployment]
  /// Clock skew tolerated between the minting machine and this one.
  public var leeway: TimeInterval = 60
  /// The longest a token may live, `exp` − `iat`: a month, so that a leaked token dies.
  public static let maximumLifetime: TimeInterval = 31 * 86_400
  /// Bytes of the longest token accepted; a hall token is a few hundred.
  public static let maximumLength = 8192
  private let verified = VerifiedTokens()

  public init(
    publicKey: Curve25519.Signing.PublicKey, issuer: String,
    trusted: [TrustedDeployment] = []
  ) {
    self.key = publicKey
    self.issuer = issuer
    self.trusted = Dictionary(trusted.map { ($0.name, $0) }) { first, _ in first }
  }

  public func verify(_ token: String, now: Date = Date()) throws(TokenError) -> Principal {
    guard token.utf8.count <= Self.maximumLength else { throw .tooLong(token.utf8.count) }
    if let known = verified.principal(of: token, now: now) { return known }
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3,
      let headerData = Base64URL.decode(parts[0]),
      let claimsData = Base64URL.decode(parts[1]),
      let signature = Base64URL.decode(parts[2])
    else { throw .malformed }
    guard let header = try? JSONDecoder().decode([String: String].self, from: headerData) else {
      throw .malformed
    }
    guard header["alg"] == "EdDSA" else { throw .unsupportedAlgorithm(header["alg"] ?? "none") }
    // The issuer names the key that must have signed; nothing else is read before the
    // signature is checked with it.
    guard let claims = try? JSONDecoder().decode(TokenClaims.self, from: claimsData),
      let object = try? JSONSerialization.jsonObject(with: claimsData) as? [String: Any]
    else {
      throw .invalidClaims("claims are not valid JSON of the expected shape")
    }
    let peer = claims.iss == issuer ? nil : trusted[claims.iss]
    guard claims.iss == issuer || peer != nil else { throw .wrongIssuer(claims.iss) }
    let signingInput = Data(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
    guard (peer?.publicKey ?? key).isValidSignature(signature, for: signingInput) else {
      throw .badSignature
    }
    if let unknown = object.keys.filter({ !TokenClaims.names.contains($0) }).sorted().first {
      throw .invalidClaims(
        "unknown claim \(unknown.prefix(40)); a hall token carries only \(TokenClaims.names.sorted().joined(separator: ", "))"
      )
    }
    guard claims.exp - claims.iat <= Int64(Self.maximumLifetime) else {
      throw .invalidClaims(
        "lives \((claims.exp - claims.iat) / 3600) hours; at most \(Int(Self.maximumLifetime) / 3600)"
      )
    }
    let seconds = now.timeIntervalSince1970
    guard Double(claims.exp) + leeway > seconds else { throw .expired }
    guard Double(claims.iat) - leeway <= seconds else { throw .notYetValid }
    var principal = try claims.principal()
    if let peer { principal = try peer.linkCaller(principal) }
    verified.remember(
      token, principal: principal, validFrom: Double(claims.iat) - leeway,
      until: Double(claims.exp) + leeway)
    return principal
  }
}

/// Base64 with the URL alphabet and no padding (RFC 7515 §2).
enum Base64URL {
  static func encode(_ data: Data) -> String {
    data.base64EncodedString()
      .replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  static func decode(_ text: Substring) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+")
      .replacingOccurrences(of: "_", with: "/")
    guard !base64.contains("=") else { return nil }
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64)
  }
}
