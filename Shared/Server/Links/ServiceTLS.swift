import GRPCNIOTransportHTTP2
public import Logging
import NIOCertificateReloading
import NIOSSL
import X509
import Foundation
public import ServiceLifecycle

/// A service's TLS, built once from its settings: the listener's security, the security of
/// its links to its peers, and the reloader that keeps its certificate current (a peer of the
/// service group: a renewed certificate and key are served from the next handshake on).
public struct ServiceTLS: Sendable {
  public let settings: TLSSettings
  let reloader: TimedCertificateReloader?

  public init(settings: TLSSettings, logger: Logger) throws {
    self.settings = settings
    guard let certificate = settings.certificateFile, let key = settings.keyFile else {
      reloader = nil
      return
    }
    do {
      reloader = try TimedCertificateReloader.makeReloaderValidatingSources(
        configuration: .init(
          refreshInterval: .seconds(settings.reloadSeconds),
          certificateSource: .init(location: .file(path: certificate), format: .pem),
          privateKeySource: .init(location: .file(path: key), format: .pem)
        ) { configuration in
          configuration.onCertificateLoaded = { diff in
            guard diff.previousX509CertificateChain != nil else { return }
            logger.notice(
              "certificate reloaded",
              metadata: [
                "subject": "\(diff.currentX509CertificateChain.first?.subject.description ?? "")",
                "not_after":
                  "\(diff.currentX509CertificateChain.first?.notValidAfter ?? .distantPast)",
              ])
          }
          configuration.onCertificateLoadFailed = { failure in
            logger.error(
              "certificate reload failed; serving the last good one",
              metadata: ["error": "\(failure.error)"])
          }
        })
    } catch {
      throw ServiceSettings.Problem(
        description: "HALL_TLS_CERT_FILE/HALL_TLS_KEY_FILE: cannot load \(certificate): \(error)")
    }
  }

  /// The reloader as a peer of the service group, when there is one.
  public var worker: (any Service)? { reloader }

  var serverSecurity: HTTP2ServerTransport.Posix.TransportSecurity {
    get throws {
      guard let reloader else { return .plaintext }
      guard settings.requireClientCertificates, let authority = settings.authorityFile else {
        return try .tls(certificateReloader: reloader)
      }
      return try .mTLS(certificateReloader: reloader) {
        $0.trustRoots = .certificates([.file(path: authority, format: .pem)])
      }
    }
  }

  /// The security of this service's links to its peers: TLS trusting the deployment's
  /// authority, presenting this service's certificate when it has one.
  public var links: LinkSecurity {
    get throws {
      guard let authority = settings.authorityFile else { return .plaintext }
      guard let reloader else { return .tls(authorityFile: authority) }
      let roots = TLSConfig.TrustRootsSource.certificates([.file(path: authority, format: .pem)])
      return LinkSecurity(
        transport: try .mTLS(certificateReloader: reloader) { $0.trustRoots = roots },
        isPlaintext: false)
    }
  }
}
