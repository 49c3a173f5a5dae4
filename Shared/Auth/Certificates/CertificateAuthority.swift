import Crypto
public import Foundation
import SwiftASN1
#if canImport(Glibc)
  import Glibc
#endif
public import X509

/// The deployment's private certificate authority: it signs the certificate of every listener
/// and every link, so that a service, a peer service or hallctl trusts exactly the holders of
/// a certificate it issued (SEC-4) and nobody else's, whatever the system's own roots say.
/// Keys are P-256: every TLS stack the platform meets (BoringSSL, OpenSSL, grpcio) takes them.
public struct CertificateAuthority: Sendable {
  public let certificate: Certificate
  let key: P256.Signing.PrivateKey

  /// A new authority named `name`, valid for `days` from `now`.
  public static func create(name: String, days: Int, now: Date) throws -> CertificateAuthority {
    let key = P256.Signing.PrivateKey()
    let subject = try DistinguishedName {
      OrganizationName("hall")
      CommonName(name)
    }
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(),
      publicKey: Certificate.PublicKey(key.publicKey),
      notValidBefore: now.addingTimeInterval(-300),
      notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
      issuer: subject, subject: subject,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
        Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
        SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
      },
      issuerPrivateKey: Certificate.PrivateKey(key))
    return CertificateAuthority(certificate: certificate, key: key)
  }

  /// The authority kept in PEM files (its certificate and its key).
  public init(certificatePEM: String, keyPEM: String) throws {
    certificate = try Certificate(pemEncoded: certificatePEM)
    key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
    guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
      throw CertificateError(description: "the key does not belong to the certificate")
    }
  }

  init(certificate: Certificate, key: P256.Signing.PrivateKey) {
    self.certificate = certificate
    self.key = key
  }

  /// A certificate for one holder (a service, a peer deployment's link, an operator's
  /// client), good for both ends of a connection so that the same files serve mutual TLS.
  /// `hosts` are the DNS names and IP addresses it answers on.
  public func issue(name: String, hosts: [String], days: Int, now: Date) throws -> IssuedCertificate
  {
    guard !name.isEmpty, name.count <= 64 else {
      throw CertificateError(description: "a certificate's name has 1 to 64 characters: \(name)")
    }
    let key = P256.Signing.PrivateKey()
    let names = try hosts.map(Self.generalName)
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(),
      publicKey: Certificate.PublicKey(key.publicKey),
      notValidBefore: now.addingTimeInterval(-300),
      notValidAfter: min(
        now.addingTimeInterval(Double(days) * 86_400), self.certificate.notValidAfter),
      issuer: self.certificate.subject,
      subject: try DistinguishedName {
        OrganizationName("hall")
        CommonName(name)
      },
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.notCertificateAuthority)
        Critical(KeyUsage(digitalSignature: true))
        try ExtendedKeyUsage([.serverAuth, .clientAuth])
        SubjectAlternativeNames(names)
        AuthorityKeyIdentifier(keyIdentifier: try self.keyIdentifier)
      },
      issuerPrivateKey: Certificate.PrivateKey(self.key))
    return IssuedCertificate(
      certificatePEM: try certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
  }

  public var certificatePEM: String {
    get throws { try certificate.serializeAsPEM().pemString }
  }

  public var keyPEM: String { key.pemRepresentation }

  private var keyIdentifier: ArraySlice<UInt8> {
    get throws {
      guard let identifier = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier else {
        throw CertificateError(description: "the authority's certificate has no key identifier")
      }
      return identifier
    }
  }

  /// An IP literal becomes an IP address name, anything else a DNS name.
  static func generalName(_ host: String) throws -> GeneralName {
    if let address = ipAddressBytes(host) {
      return .ipAddress(ASN1OctetString(contentBytes: address[...]))
    }
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-*"))
    guard !host.isEmpty, host.count <= 253, host.unicodeScalars.allSatisfy(allowed.contains)
    else {
      throw CertificateError(description: "not a host name or IP address: \(host.prefix(80))")
    }
    return .dnsName(host)
  }
}

/// The 4 or 16 bytes of an IP literal, nil for anything else.
public func ipAddressBytes(_ text: String) -> [UInt8]? {
  var v4 = in_addr()
  if inet_pton(AF_INET, text, &v4) == 1 {
    return withUnsafeBytes(of: &v4) { Array($0) }
  }
  var v6 = in6_addr()
  if inet_pton(AF_INET6, text, &v6) == 1 {
    return withUnsafeBytes(of: &v6) { Array($0) }
  }
  return nil
}

/// A holder's certificate and its private key, both PEM.
public struct IssuedCertificate: Sendable {
  public var certificatePEM: String
  public var keyPEM: String
}

public struct CertificateError: Error, CustomStringConvertible {
  public var description: String
}
