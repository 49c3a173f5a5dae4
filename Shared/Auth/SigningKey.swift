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
    guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines))
    else { throw LoadError(description: "private key is not base64") }
    do {
      return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    } catch {
      throw LoadError(description: "private key is not a 32-byte Ed25519 key")
    }
  }

  public static func publicKey(base64: String) throws -> Curve25519.Signing.PublicKey {
    guard let raw = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines))
    else { throw LoadError(description: "public key is not base64") }
    do {
      return try Curve25519.Signing.PublicKey(rawRepresentation: raw)
    } catch {
      throw LoadError(description: "public key is not a 32-byte Ed25519 key")
    }
  }

  public static func publicKeyBase64(ofPrivate base64: String) throws -> String {
    try privateKey(base64: base64).publicKey.rawRepresentation.base64EncodedString()
  }
}
