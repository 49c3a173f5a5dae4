import ArgumentParser
import CatalogService
import Foundation
import HallAuth
import HallTestSupport
import Testing

@testable import DemoKit
@testable import HallctlKit

/// `hall-demo` runs in this process as hallctl does: its catalog goes in through the
/// contract, and a second load changes nothing.
@Suite("hall-demo")
struct DemoCommandTests {
  static let catalogFile = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("deploy/demo/catalog.json").path

  static func run(_ arguments: [String]) async throws -> Output.Capture {
    let capture = Output.Capture()
    var command = try #require(try HallDemo.parseAsRoot(arguments) as? any AsyncParsableCommand)
    try await Output.$capture.withValue(capture) { try await command.run() }
    return capture
  }

  @Test("load-catalog publishes the demonstration file; loading it again changes nothing")
  func loadCatalog() async throws {
    try await TestService.with(CatalogService.Catalog.definition) { catalog in
      let arguments = [
        "load-catalog", "--file", Self.catalogFile, "--server", "127.0.0.1:\(catalog.port)",
        "--token", TestKeys.token(.catalogAdmin, subject: "demo-admin"),
      ]
      let first = try await Self.run(arguments)
      #expect(first.out.hasPrefix("loaded ") && first.out.hasSuffix(" 13 bundles"))
      let again = try await Self.run(arguments)
      #expect(again.out == first.out && again.error.isEmpty)
    }
  }
}
