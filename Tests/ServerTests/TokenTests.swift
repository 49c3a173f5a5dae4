import Crypto
import Foundation
import HallAuth
import Testing

/// SEC-1 and #14 point 11: a token carries the documented claims and no others, the claims
/// its role needs, and lives at most 31 days; anything else is refused with the reason.
@Suite("Bearer tokens")
struct TokenTests {
  static let privateKey = Curve25519.Signing.PrivateKey()
  static let verifier = TokenVerifier(publicKey: privateKey.publicKey, issuer: "hall-test")
  static let now = Date(timeIntervalSince1970: 1_795_485_600)

  /// A token signed by hand, claims as given: what an integrator might mint.
  static func token(_ claims: [String: Any]) throws -> String {
    func base64URL(_ data: Data) -> String {
      data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
    let header = base64URL(Data(#"{"alg":"EdDSA","typ":"JWT"}"#.utf8))
    let body = base64URL(try JSONSerialization.data(withJSONObject: claims, options: .sortedKeys))
    let signature = try privateKey.signature(for: Data("\(header).\(body)".utf8))
    return "\(header).\(body).\(base64URL(signature))"
  }

  static func claims(_ extra: [String: Any] = [:], lifetime: Int64 = 3600) -> [String: Any] {
    let iat = Int64(now.timeIntervalSince1970)
    var claims: [String: Any] = [
      "iss": "hall-test", "sub": "approver-1", "role": "approver", "dept": "scjg",
      "iat": iat, "exp": iat + lifetime,
    ]
    claims.merge(extra) { $1 }
    return claims
  }

  func refusal(_ claims: [String: Any]) throws -> String? {
    do {
      _ = try Self.verifier.verify(try Self.token(claims), now: Self.now)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test("the documented claims verify")
  func valid() throws {
    let principal = try Self.verifier.verify(try Self.token(Self.claims()), now: Self.now)
    #expect(principal.role == .approver && principal.departmentID == "scjg")
  }

  @Test("a misspelt or unknown claim is refused, naming it")
  func unknownClaim() throws {
    var claims = Self.claims()
    claims["department"] = claims.removeValue(forKey: "dept")
    let message = try #require(try refusal(claims))
    #expect(message.contains("unknown claim department"))
  }

  @Test("a role's required claim is required: dept for an approver, hall for a clerk")
  func requiredClaims() throws {
    var approver = Self.claims()
    approver["dept"] = nil
    #expect(try refusal(approver)?.contains("needs the claim dept") == true)
    let clerk = Self.claims(["role": "clerk", "sub": "clerk-1"])
    #expect(try refusal(clerk)?.contains("needs the claim hall") == true)
    #expect(try refusal(Self.claims(["role": "clerk", "hall": "hl-hall"])) == nil)
    #expect(try refusal(Self.claims(["role": "applicant", "dept": ""])) == nil)
  }

  @Test("a token living past 31 days is refused; the signer will not mint one")
  func lifetime() throws {
    #expect(try refusal(Self.claims(lifetime: 10 * 365 * 86_400))?.contains("at most 744") == true)
    #expect(try refusal(Self.claims(lifetime: 31 * 86_400)) == nil)
    let signer = TokenSigner(privateKey: Self.privateKey, issuer: "hall-test")
    #expect(throws: TokenError.self) {
      try signer.mint(Principal(subject: "s", role: .service), lifetime: 40 * 86_400)
    }
  }

  @Test("an oversized token is refused with its length")
  func tooLong() throws {
    let long = try Self.token(Self.claims(["sub": String(repeating: "x", count: 20_000)]))
    #expect(throws: TokenError.tooLong(long.utf8.count)) {
      try Self.verifier.verify(long, now: Self.now)
    }
  }
}
