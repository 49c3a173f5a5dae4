import HallCalendar
import Foundation
import SwiftProtobuf
import GRPCCore
import HallContracts
import HallServer
import HallTestSupport
import Testing

@testable import CatalogService

/// CAT-9: public search of the guides in force by Chinese keyword, department, level and
/// channel, with paging.
@Suite("Guide search (CAT-9)")
struct SearchTests {
  @Test("a Chinese substring finds the guide; filters and paging narrow it")
  func search() async throws {
    try await CatalogFixture.with { catalog in
      try await catalog.publish("A-01", validSpec(name: "开办餐馆、饭店登记"))
      try await catalog.publish("A-02", validSpec(name: "餐饮服务许可"))
      var hygiene = validSpec(name: "公共场所卫生许可", department: "wjw")
      hygiene.channels = [.window]
      hygiene.levels = [.city]
      try await catalog.publish("B-01", hygiene)
      for index in 0..<5 {
        try await catalog.publish("C-0\(index)", validSpec(name: "食品经营许可第\(index)类"))
      }

      let codes = { @Sendable (request: Hall_Catalog_V1_SearchGuidesRequest) in
        try await catalog.anonymous.searchGuides(request).guides.map(\.version.itemCode)
      }
      #expect(try await codes(.with { $0.keyword = "餐馆" }) == ["A-01"])
      #expect(try await codes(.with { $0.keyword = "餐" }) == ["A-01", "A-02"])
      #expect(try await codes(.with { $0.keyword = "卫生许可" }) == ["B-01"])
      #expect(try await codes(.with { $0.keyword = "许可登记" }).isEmpty)
      #expect(try await codes(.with { $0.departmentID = "wjw" }) == ["B-01"])
      #expect(try await codes(.with { $0.level = .city }) == ["B-01"])
      #expect(try await codes(.with { $0.channel = .pc }).count == 7)
      #expect(try await codes(.with { $0.keyword = "100%_" }).isEmpty)

      let seen = try await allPages(catalog.anonymous, keyword: "许可", pageSize: 2)
      #expect(seen == ["A-02", "B-01", "C-00", "C-01", "C-02", "C-03", "C-04"])

      await expectRefusal(.invalidArgument, field: "page_token") {
        _ = try await catalog.anonymous.searchGuides(.with { $0.pageToken = "garbage" })
      }
      await expectRefusal(.invalidArgument, field: "page_size") {
        _ = try await catalog.anonymous.searchGuides(.with { $0.pageSize = 1000 })
      }
    }
  }

  @Test("drafts, future versions and cancelled items are not found")
  func onlyInForce() async throws {
    try await CatalogFixture.with { catalog in
      _ = try await catalog.admin.createItem(
        .with {
          $0.requestID = "d"
          $0.code = "D-1"
          $0.spec = validSpec(name: "草稿许可")
        })
      try await catalog.publish(
        "F-1", validSpec(name: "未来许可"), effective: TestClock().today.adding(days: 2))
      try await catalog.publish("X-1", validSpec(name: "已取消许可"))
      _ = try await catalog.admin.cancelItem(
        .with {
          $0.requestID = "cx"
          $0.code = "X-1"
          $0.reasonNote = "取消"
        })
      let found = try await catalog.anonymous.searchGuides(.with { $0.keyword = "许可" })
      #expect(found.guides.isEmpty)
    }
  }

  @Test("grams: pairs for keywords, single characters for one-character keywords")
  func grams() {
    #expect(SearchGrams.queryGrams(of: "餐馆") == ["餐馆"])
    #expect(SearchGrams.queryGrams(of: "餐") == ["餐"])
    #expect(SearchGrams.queryGrams(of: "开办餐馆") == ["办餐", "开办", "餐馆"])
    let index = Set(SearchGrams.indexGrams(of: "开办餐馆、饭店"))
    #expect(index.isSuperset(of: SearchGrams.queryGrams(of: "餐馆")))
    #expect(index.contains("店"))
    #expect(SearchGrams.likePattern(of: "a%_b") == "%a\\%\\_b%")
  }
}

/// Every item code of a search, page by page, checking the page size.
func allPages(_ client: Catalog, keyword: String, pageSize: Int32) async throws -> [String] {
  var seen: [String] = []
  var token = ""
  repeat {
    let request = Hall_Catalog_V1_SearchGuidesRequest.with {
      $0.keyword = keyword
      $0.pageSize = pageSize
      $0.pageToken = token
    }
    let page = try await client.searchGuides(request)
    #expect(page.guides.count <= Int(pageSize))
    seen += page.guides.map(\.version.itemCode)
    token = page.nextPageToken
  } while !token.isEmpty
  return seen
}
