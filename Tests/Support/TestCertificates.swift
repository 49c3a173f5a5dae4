public import Foundation
public import HallAuth

/// A throw-away certificate authority in its own folder, issuing certificates for loopback
/// holders, for the tests of TLS listeners and links.
public struct TestCertificates: Sendable {
  public let folder: URL
  public let authority: CertificateAuthority

  public init(name: String = "test CA") throws {
    folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("hall-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    authority = try CertificateAuthority.create(name: name, days: 30, now: Date())
    try authority.certificatePEM.write(to: file("ca.pem"), atomically: true, encoding: .utf8)
  }

  public var authorityFile: String { file("ca.pem").path }

  /// Issues `name`'s certificate for localhost and 127.0.0.1, valid for a day from `now`,
  /// and returns its two files.
  @discardableResult
  public func issue(_ name: String, now: Date = Date()) throws -> (certificate: String, key: String)
  {
    let issued = try authority.issue(
      name: name, hosts: ["localhost", "127.0.0.1"], days: 1, now: now)
    let certificate = file("\(name).pem")
    let key = file("\(name).key")
    try issued.certificatePEM.write(to: certificate, atomically: true, encoding: .utf8)
    try issued.keyPEM.write(to: key, atomically: true, encoding: .utf8)
    return (certificate.path, key.path)
  }

  /// A service's settings to serve TLS with `name`'s certificate, issued at `issued`.
  public func serviceOptions(
    _ name: String, requireClientCertificates: Bool = false, issued: Date = Date()
  ) throws -> [String: String] {
    let (certificate, key) = try issue(name, now: issued)
    var options = [
      "TLS_CERT_FILE": certificate, "TLS_KEY_FILE": key, "TLS_CA_FILE": authorityFile,
      "TLS_RELOAD_SECONDS": "1",
    ]
    if requireClientCertificates { options["TLS_CLIENT_CERTIFICATES"] = "require" }
    return options
  }

  public func file(_ name: String) -> URL { folder.appendingPathComponent(name) }

  public func remove() { try? FileManager.default.removeItem(at: folder) }
}
