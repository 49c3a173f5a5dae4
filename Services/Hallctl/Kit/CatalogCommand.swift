import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallContracts
import HallServer
import SwiftProtobuf

typealias CatalogClient = Hall_Catalog_V1_CatalogService.Client<HTTP2ClientTransport.Posix>

struct CatalogCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "catalog", abstract: "Read and publish the catalog of service items.",
    subcommands: [LoadDemo.self, Search.self, Guide.self, Bundles.self, Indicators.self, Due.self])

  static func withCatalog(
    _ options: ConnectionOptions, _ body: (CatalogClient) async throws -> Void
  ) async throws {
    try await ServiceCall.with(options, .catalog, CatalogClient.init(wrapping:), body)
  }

  struct LoadDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "load-demo",
      abstract: "Publish the demonstration catalog (departments, lists, items, bundles).",
      discussion: """
        Every call carries a request id derived from the record's code, so running it again
        changes nothing. Needs a catalog_admin token.
        """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The demonstration file.")
    var file = "deploy/demo/catalog.json"

    func run() async throws {
      let demo = try DemoCatalog(contentsOf: file)
      try await CatalogCommand.withCatalog(connection) { catalog in
        let counts = try await demo.load(into: catalog)
        Output.line("\(counts)")
      }
    }
  }

  struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Search the guides in force by keyword, department, level and channel.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Chinese keyword, e.g. 餐馆 (may be empty).")
    var keyword = ""

    @Option(help: "Department id.")
    var department = ""

    @Option(help: "Page size.")
    var limit: Int32 = 20

    func run() async throws {
      try await CatalogCommand.withCatalog(connection) { catalog in
        let response = try await catalog.searchGuides(
          .with {
            $0.keyword = keyword
            $0.departmentID = department
            $0.pageSize = limit
          })
        if connection.json { return try Output.json(response) }
        Output.table(
          ["code", "name", "department", "promised days", "statutory days", "visits"],
          response.guides.map { guide in
            if case .bundle(let bundle) = guide.subject {
              return [
                bundle.bundleCode, "【一件事】" + bundle.spec.name, guide.departmentName,
                "\(bundle.promisedLimitWorkingDays)", "\(bundle.statutoryLimitWorkingDays)", "",
              ]
            }
            let spec = guide.version.spec
            return [
              guide.version.itemCode, spec.name, guide.departmentName,
              "\(spec.promisedLimitWorkingDays)", "\(spec.statutoryLimitWorkingDays)",
              "\(spec.maxVisits)",
            ]
          })
      }
    }
  }

  struct Guide: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the guide of an item in force today, as JSON.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Item code.")
    var code: String

    func run() async throws {
      try await CatalogCommand.withCatalog(connection) { catalog in
        try Output.json(try await catalog.getGuide(.with { $0.itemCode = code }))
      }
    }
  }

  struct Bundles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the one-thing bundles in force.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
      try await CatalogCommand.withCatalog(connection) { catalog in
        let response = try await catalog.listBundles(.with { $0.pageSize = 200 })
        if connection.json { return try Output.json(response) }
        Output.table(
          ["code", "name", "members", "materials", "promised"],
          response.bundles.map {
            [
              $0.bundleCode, $0.spec.name, "\($0.members.count)", "\($0.materials.count)",
              "\($0.promisedLimitWorkingDays)",
            ]
          })
      }
    }
  }

  struct Indicators: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the catalog indicators (CAT-11) of a department or the deployment.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Department id; the whole deployment when omitted.")
    var department = ""

    func run() async throws {
      try await CatalogCommand.withCatalog(connection) { catalog in
        let value = try await catalog.getIndicators(.with { $0.departmentID = department })
        if connection.json { return try Output.json(value) }
        func percent(_ bp: Int32) -> String { String(format: "%.2f%%", Double(bp) / 100) }
        Output.table(
          ["indicator", "value"],
          [
            ["items in force", "\(value.itemCount)"],
            ["licensing items", "\(value.licensingItemCount)"],
            ["promised-limit compression", percent(value.compressionRatioBp)],
            ["on-the-spot share", percent(value.onTheSpotShareBp)],
            ["no-visit share", percent(value.noVisitShareBp)],
            ["in-hall share", percent(value.inHallShareBp)],
          ])
      }
    }
  }

  struct Due: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "When a limit of N working days from an instant expires, by the calendar.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Working days.")
    var days: Int32

    @Option(help: "Start instant, ISO 8601 (default: now).")
    var from: String?

    func run() async throws {
      var start = Date()
      if let from {
        guard let parsed = ISO8601DateFormatter().date(from: from) else {
          throw ValidationError("--from must be ISO 8601, e.g. 2026-02-12T10:00:00+08:00")
        }
        start = parsed
      }
      try await CatalogCommand.withCatalog(connection) { catalog in
        let response = try await catalog.computeDueTime(
          .with {
            $0.startTime = .init(date: start)
            $0.workingDays = days
          })
        if connection.json { return try Output.json(response) }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        Output.line(formatter.string(from: response.dueTime.date))
        if !response.calendarDefined {
          Output.line("(provisional: a year crossed has no arrangement)")
        }
      }
    }
  }
}
