import GRPCNIOTransportHTTP2

/// How a client side of a link secures itself: plaintext (loopback only), or TLS that trusts
/// only the deployment's certificate authority and, for mutual TLS, presents a certificate.
public struct LinkSecurity: Sendable {
  let transport: HTTP2ClientTransport.Posix.TransportSecurity
  public let isPlaintext: Bool

  public static let plaintext = LinkSecurity(transport: .plaintext, isPlaintext: true)

  /// TLS for a client holding files: hallctl, the demonstration, tests.
  public static func tls(
    authorityFile: String, certificateFile: String? = nil, keyFile: String? = nil
  ) -> LinkSecurity {
    let roots = TLSConfig.TrustRootsSource.certificates([.file(path: authorityFile, format: .pem)])
    guard let certificateFile, let keyFile else {
      return LinkSecurity(transport: .tls { $0.trustRoots = roots }, isPlaintext: false)
    }
    return LinkSecurity(
      transport: .mTLS(
        certificateChain: [.file(path: certificateFile, format: .pem)],
        privateKey: .file(path: keyFile, format: .pem)
      ) { $0.trustRoots = roots },
      isPlaintext: false)
  }

  /// Refuses a plaintext link to anything but this machine: such a link would carry every
  /// case's personal data and a service token in the clear.
  func check(_ address: PeerAddress) throws {
    guard isPlaintext, !address.isLoopback else { return }
    throw PeerAddressError(
      description:
        "a plaintext link to \(address) is refused: only loopback links may be plaintext; give the deployment's certificate authority (HALL_TLS_CA_FILE)"
    )
  }
}
