import Foundation

/// A service's TLS, from its settings (SEC-4, OPS-3): its own certificate chain and key,
/// which it serves and presents to the peers it calls; the deployment's certificate
/// authority, which its peers' certificates must chain to; and whether callers must show a
/// certificate too (mutual TLS). Files, not contents, so that a renewed certificate is
/// picked up without a restart.
///
/// Settings: HALL_TLS_CERT_FILE and HALL_TLS_KEY_FILE (PEM; both or neither),
/// HALL_TLS_CA_FILE (PEM), HALL_TLS_CLIENT_CERTIFICATES (none | require),
/// HALL_TLS_RELOAD_SECONDS (1 to 86 400, default 60).
public struct TLSSettings: Sendable, Equatable {
  public var certificateFile: String?
  public var keyFile: String?
  public var authorityFile: String?
  public var requireClientCertificates: Bool
  public var reloadSeconds: Int

  public init(
    certificateFile: String? = nil, keyFile: String? = nil, authorityFile: String? = nil,
    requireClientCertificates: Bool = false, reloadSeconds: Int = 60
  ) {
    self.certificateFile = certificateFile
    self.keyFile = keyFile
    self.authorityFile = authorityFile
    self.requireClientCertificates = requireClientCertificates
    self.reloadSeconds = reloadSeconds
  }

  /// None of it: plaintext, for loopback development only.
  public static let plaintext = TLSSettings()

  /// Whether the listener speaks TLS.
  public var serves: Bool { certificateFile != nil }

  /// Reads and checks the settings: files that exist and can be read, a pair of certificate
  /// and key, an authority to check client certificates against when they are required.
  public static func load(from options: [String: String]) throws -> TLSSettings {
    let settings = TLSSettings(
      certificateFile: options["TLS_CERT_FILE"], keyFile: options["TLS_KEY_FILE"],
      authorityFile: options["TLS_CA_FILE"],
      requireClientCertificates: try ServiceSettings.choice(
        "TLS_CLIENT_CERTIFICATES", in: options, default: "none", choices: ["none", "require"])
        == "require",
      reloadSeconds: try ServiceSettings.int(
        "TLS_RELOAD_SECONDS", in: options, default: 60, range: 1...86_400))
    guard (settings.certificateFile == nil) == (settings.keyFile == nil) else {
      throw ServiceSettings.Problem(
        description: "HALL_TLS_CERT_FILE and HALL_TLS_KEY_FILE go together: set both or neither")
    }
    if settings.requireClientCertificates {
      guard settings.serves, settings.authorityFile != nil else {
        throw ServiceSettings.Problem(
          description:
            "HALL_TLS_CLIENT_CERTIFICATES=require needs HALL_TLS_CERT_FILE, HALL_TLS_KEY_FILE and HALL_TLS_CA_FILE"
        )
      }
    }
    for (key, path) in [
      ("TLS_CERT_FILE", settings.certificateFile), ("TLS_KEY_FILE", settings.keyFile),
      ("TLS_CA_FILE", settings.authorityFile),
    ] {
      if let path, !FileManager.default.isReadableFile(atPath: path) {
        throw ServiceSettings.Problem(description: "HALL_\(key): cannot read \(path.prefix(200))")
      }
    }
    return settings
  }
}
