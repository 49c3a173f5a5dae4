import Foundation
import GRPCCore
import HallAuth
import HallContracts
import HallDatabase
import Logging
import HallServer
import HallTestSupport
import Testing

@testable import CatalogService

/// SEC-4, OPS-3: a listener with a certificate speaks only TLS; a client gets through only if
/// it trusts the deployment's authority and, when the service requires it, shows a
/// certificate that authority signed; a renewed certificate is served without a restart.
@Suite("Transport security (SEC-4)")
struct TransportSecurityTests {
  @Test("TLS: a client trusting the deployment's authority gets through, others are refused")
  func tls() async throws {
    let certificates = try TestCertificates()
    let foreign = try TestCertificates(name: "someone else's CA")
    defer {
      certificates.remove()
      foreign.remove()
    }
    try await TestService.with(
      CatalogService.Catalog.definition, options: try certificates.serviceOptions("catalog")
    ) { catalog in
      let address = PeerAddress.loopback(port: catalog.port)
      #expect(
        try await check(address, .tls(authorityFile: certificates.authorityFile)) == .serving)
      await expectRefusal(.unavailable) {
        _ = try await check(address, .tls(authorityFile: foreign.authorityFile))
      }
      await expectRefusal(.unavailable) { _ = try await check(address, .plaintext) }
      // By name as well as by address: the certificate names localhost.
      let byName = try PeerAddress(parsing: "localhost:\(catalog.port)")
      #expect(try await check(byName, .tls(authorityFile: certificates.authorityFile)) == .serving)
    }
  }

  @Test("mutual TLS: only a certificate the deployment's authority signed gets through")
  func mutual() async throws {
    let certificates = try TestCertificates()
    let foreign = try TestCertificates(name: "someone else's CA")
    defer {
      certificates.remove()
      foreign.remove()
    }
    let options = try certificates.serviceOptions("catalog", requireClientCertificates: true)
    try await TestService.with(CatalogService.Catalog.definition, options: options) { catalog in
      let address = PeerAddress.loopback(port: catalog.port)
      let own = try certificates.issue("hallctl")
      let stranger = try foreign.issue("hallctl")
      #expect(
        try await check(
          address,
          .tls(
            authorityFile: certificates.authorityFile, certificateFile: own.certificate,
            keyFile: own.key)) == .serving)
      await expectRefusal(.unavailable) {
        _ = try await check(address, .tls(authorityFile: certificates.authorityFile))
      }
      await expectRefusal(.unavailable) {
        _ = try await check(
          address,
          .tls(
            authorityFile: certificates.authorityFile, certificateFile: stranger.certificate,
            keyFile: stranger.key))
      }
    }
  }

  @Test("an expired certificate is refused, on either side, and the service stays up")
  func expired() async throws {
    let certificates = try TestCertificates()
    defer { certificates.remove() }
    let threeDaysAgo = Date().addingTimeInterval(-3 * 86_400)
    let options = try certificates.serviceOptions("catalog", requireClientCertificates: true)
    try await TestService.with(CatalogService.Catalog.definition, options: options) { catalog in
      let address = PeerAddress.loopback(port: catalog.port)
      let stale = try certificates.issue("stale-caller", now: threeDaysAgo)
      await expectRefusal(.unavailable) {
        _ = try await check(
          address,
          .tls(
            authorityFile: certificates.authorityFile, certificateFile: stale.certificate,
            keyFile: stale.key))
      }
      let fresh = try certificates.issue("caller")
      #expect(
        try await check(
          address,
          .tls(
            authorityFile: certificates.authorityFile, certificateFile: fresh.certificate,
            keyFile: fresh.key)) == .serving)
    }
    let staleListener = try certificates.serviceOptions("catalog", issued: threeDaysAgo)
    try await TestService.with(CatalogService.Catalog.definition, options: staleListener) {
      catalog in
      await expectRefusal(.unavailable) {
        _ = try await check(
          PeerAddress.loopback(port: catalog.port),
          .tls(authorityFile: certificates.authorityFile))
      }
    }
  }

  @Test("a renewed certificate is served without a restart")
  func reload() async throws {
    let first = try TestCertificates(name: "first CA")
    let second = try TestCertificates(name: "second CA")
    defer {
      first.remove()
      second.remove()
    }
    let options = try first.serviceOptions("catalog")
    try await TestService.with(CatalogService.Catalog.definition, options: options) { catalog in
      let address = PeerAddress.loopback(port: catalog.port)
      let trustingSecond = LinkSecurity.tls(authorityFile: second.authorityFile)
      await expectRefusal(.unavailable) { _ = try await check(address, trustingSecond) }
      // The operator issues the service a certificate from the second authority in place.
      let renewed = try second.issue("catalog")
      try replace(options["TLS_CERT_FILE"]!, with: renewed.certificate)
      try replace(options["TLS_KEY_FILE"]!, with: renewed.key)
      try await eventually(seconds: 15) {
        (try? await check(address, trustingSecond)) == .serving
      }
    }
  }

  @Test("plaintext only on loopback: a listener elsewhere and a link elsewhere are refused")
  func plaintextIsLoopbackOnly() async throws {
    var settings = ServiceSettings(
      deployment: TestKeys.deployment, listenHost: "0.0.0.0", listenPort: 0,
      tokenPublicKey: try SigningKeyFile.publicKeyBase64(ofPrivate: TestKeys.privateKey),
      database: DatabaseSettings(username: "nobody", password: "x", schema: "catalog"))
    #expect(throws: ServiceSettings.Problem.self) {
      _ = try ServiceApp(
        definition: CatalogService.Catalog.definition, settings: settings, logger: .init(label: "t")
      )
    }
    settings.listenHost = "127.0.0.1"
    settings.options = ["TLS_CERT_FILE": "/nonexistent/catalog.pem"]
    #expect(throws: ServiceSettings.Problem.self) {
      _ = try ServiceApp(
        definition: CatalogService.Catalog.definition, settings: settings, logger: .init(label: "t")
      )
    }
    await #expect(throws: PeerAddressError.self) {
      try await ServiceClient.with(
        address: try PeerAddress(parsing: "catalog.hall.svc:50051"), security: .plaintext,
        token: nil
      ) { _ in }
    }
  }

  private func check(_ address: PeerAddress, _ security: LinkSecurity) async throws
    -> Grpc_Health_V1_HealthCheckResponse.ServingStatus
  {
    try await ServiceClient.with(address: address, security: security, token: nil) { client in
      try await Grpc_Health_V1_Health.Client(wrapping: client).check(
        .init(), options: .timeout(.seconds(5))
      ).status
    }
  }

  /// Replaces a file the way a certificate manager does: written beside it, renamed over it.
  private func replace(_ path: String, with source: String) throws {
    let staging = path + ".new"
    try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: staging))
    guard rename(staging, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
  }
}

extension CallOptions {
  static func timeout(_ duration: Duration) -> CallOptions {
    var options = CallOptions.defaults
    options.timeout = duration
    return options
  }
}
