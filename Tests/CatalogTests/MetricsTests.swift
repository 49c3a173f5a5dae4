import Foundation
import GRPCCore
import HallContracts
import HallServer
import HallTestSupport
import SwiftProtobuf
import Testing

@testable import CatalogService

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// OPS-3: each service serves Prometheus' text format on its own port: every call counted
/// and timed by method and status (go-grpc-prometheus' names), the outbox and the pool, and
/// the events it committed, each once.
@Suite("Metrics (OPS-3)")
struct MetricsTests {
  @Test("calls by method and status, events by type, the outbox and the pool")
  func scrape() async throws {
    try await CatalogFixture.with { catalog in
      await expectRefusal(.unauthenticated) {
        _ = try await catalog.anonymous.createItem(
          .with {
            $0.requestID = "x"
            $0.code = "A-1"
          })
      }
      await expectRefusal(.notFound) {
        _ = try await catalog.admin.getItem(.with { $0.code = "NONE" })
      }
      let method = #"grpc_service="hall.catalog.v1.CatalogService",grpc_method="#
      try await eventually(seconds: 15) {
        let text = try await scrape(catalog.metricsPort)
        // The fixture's two departments, once each, counted as the sequencer numbered them;
        // six events in all with the two calendar years the catalog seeds.
        return text.contains(#"hall_events_total{type="catalog.department.created"} 2"#)
          && text.contains("hall_outbox_head_position 6.0")
      }
      let text = try await scrape(catalog.metricsPort)
      for line in [
        #"grpc_server_started_total{grpc_type="unary",\#(method)"CreateDepartment"} 2"#,
        #"grpc_server_handled_total{grpc_type="unary",\#(method)"CreateDepartment",grpc_code="OK"} 2"#,
        #"grpc_server_handled_total{grpc_type="unary",\#(method)"CreateItem",grpc_code="Unauthenticated"} 1"#,
        #"grpc_server_handled_total{grpc_type="unary",\#(method)"GetItem",grpc_code="NotFound"} 1"#,
        #"grpc_server_handling_seconds_count{grpc_type="unary",\#(method)"GetItem"} 1"#,
        "hall_outbox_backlog_events 0.0",
        "hall_db_pool_in_use_connections 0.0",
        "hall_db_pool_waiting_calls 0.0",
        "# TYPE grpc_server_handling_seconds histogram",
        "# HELP grpc_server_started_total RPCs started on the server.",
      ] {
        #expect(text.contains(line), "\(line)")
      }
    }
  }

  @Test("the probes' paths, and only GET")
  func otherPaths() async throws {
    try await TestService.with(CatalogService.Catalog.definition) { service in
      for path in ["healthz", "readyz"] {
        let (body, probed) = try await URLSession.shared.data(
          from: URL(string: "http://127.0.0.1:\(service.metricsPort)/\(path)")!)
        #expect((probed as? HTTPURLResponse)?.statusCode == 200, "\(path)")
        #expect(!body.isEmpty)
      }
      let (_, response) = try await URLSession.shared.data(
        from: URL(string: "http://127.0.0.1:\(service.metricsPort)/")!)
      #expect((response as? HTTPURLResponse)?.statusCode == 404)
      var post = URLRequest(url: URL(string: "http://127.0.0.1:\(service.metricsPort)/metrics")!)
      post.httpMethod = "POST"
      let (_, posted) = try await URLSession.shared.data(for: post)
      #expect((posted as? HTTPURLResponse)?.statusCode == 405)
    }
  }

  private func scrape(_ port: Int) async throws -> String {
    let (data, response) = try await URLSession.shared.data(
      from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
    #expect((response as? HTTPURLResponse)?.statusCode == 200)
    return String(decoding: data, as: UTF8.self)
  }
}
