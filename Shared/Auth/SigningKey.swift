public import Crypto
import Foundation

/// The deployment's signing key pair, stored as base64 of the raw 32-byte Ed25519 keys.
/// Only the public half is given to services; the private half stays with the operator.
public enum SigningKeyFile {
  public struct LoadError: Error, CustomStringConvertible {
    public var description: String
  }

  public static func generatePrivateKey() -> String {
    Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
  }

  public static func privateKey(base64: String) throws -> Curve25519.Signing.PrivateKey {
    try key(base64: base64, half: "private") { try .init(rawRepresentation: $0) }
  }

  public static func publicKey(base64: String) throws -> Curve25519.Signing.PublicKey {
    try key(base64: base64, half: "public") { try .init(rawRepresentation: $0) }
  }

  /// Both halves are read the same way, and a bad one is refused in the same words, naming
  /// which half it is.
  private static func key<Key>(
    base64: String, half: String, _ make: (Data) throws -> Key
  ) throws -> Key {
    guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines))
    else { throw LoadError(description: "\(half) key is not base64") }
    do {
      return try make(raw)
    } catch {
      throw LoadError(description: "\(half) key is not a 32-byte Ed25519 key")
    }
  }

  public static func publicKeyBase64(ofPrivate base64: String) throws -> String {
    try privateKey(base64: base64).publicKey.rawRepresentation.base64EncodedString()
  }
}
