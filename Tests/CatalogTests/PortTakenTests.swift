import Foundation
import HallServer
import HallTestSupport
import Testing

@testable import CatalogService

/// A service whose port is taken says so and stops: it never waits for ever (REL-4).
@Suite("A listener's port already taken")
struct PortTakenTests {
  @Test("start fails with the bind error, within seconds", .timeLimit(.minutes(1)))
  func portTaken() async throws {
    _ = try await TestService.with(CatalogService.Catalog.definition) { first in
      await #expect(throws: (any Error).self) {
        try await TestService.with(CatalogService.Catalog.definition, port: first.port) { _ in }
      }
    }
  }
}
