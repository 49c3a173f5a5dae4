import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

struct CatalogCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "catalog", abstract: "Read and publish the catalog of service items.",
    subcommands: [
      Search.self, Guide.self, Bundles.self, Indicators.self, Due.self, LocalDetails.self,
    ])

  struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Search the guides in force by keyword, department, level and channel.")

    @OptionGroup var connection: CatalogConnection

    @Argument(help: "Chinese keyword, e.g. 餐馆 (may be empty).") var keyword = ""

    @Option(help: "Department id.") var department = ""

    @Option(help: "Page size.") var limit: Int32 = 20

    func run() async throws {
      let request = SearchGuidesRequest.with {
        $0.keyword = keyword
        $0.departmentID = department
        $0.pageSize = limit
      }
      try await connection.show({ try await $0.searchGuides(request) }) {
        Output.table(
          ["code", "name", "department", "promised days", "statutory days", "visits"],
          $0.guides.map(Self.row))
      }
    }

    static func row(_ guide: CatalogGuide) -> [String] {
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
    }
  }

  struct Guide: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the guide of an item in force today, as JSON.")

    @OptionGroup var connection: CatalogConnection

    @Argument(help: "Item code.") var code: String

    func run() async throws {
      try await connection.with { catalog in
        try Output.json(try await catalog.getGuide(.with { $0.itemCode = code }))
      }
    }
  }

  struct Bundles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the one-thing bundles in force.")

    @OptionGroup var connection: CatalogConnection

    func run() async throws {
      try await connection.show({ try await $0.listBundles(.with { $0.pageSize = 200 }) }) {
        Output.table(
          ["code", "name", "members", "materials", "promised"],
          $0.bundles.map {
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

    @OptionGroup var connection: CatalogConnection

    @Option(help: "Department id; the whole deployment when omitted.") var department = ""

    func run() async throws {
      try await connection.show(
        { try await $0.getIndicators(.with { $0.departmentID = department }) }, Self.table)
    }

    static func table(_ value: CatalogIndicators) {
      Output.table(
        ["indicator", "value"],
        [
          ["items in force", "\(value.itemCount)"],
          ["licensing items", "\(value.licensingItemCount)"],
          ["promised-limit compression", Format.percent(value.compressionRatioBp)],
          ["on-the-spot share", Format.percent(value.onTheSpotShareBp)],
          ["no-visit share", Format.percent(value.noVisitShareBp)],
          ["in-hall share", Format.percent(value.inHallShareBp)],
        ])
    }
  }

  struct Due: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "When a limit of N working days from an instant expires, by the calendar.")

    @OptionGroup var connection: CatalogConnection

    @Argument(help: "Working days.") var days: Int32

    @Option(help: "Start instant, ISO 8601 (default: now).") var from: String?

    func run() async throws {
      var start = Date()
      if let from {
        guard let parsed = ISO8601DateFormatter().date(from: from) else {
          throw ValidationError("--from must be ISO 8601, e.g. 2026-02-12T10:00:00+08:00")
        }
        start = parsed
      }
      let request = ComputeDueTimeRequest.with {
        $0.startTime = .init(date: start)
        $0.workingDays = days
      }
      try await connection.show({ try await $0.computeDueTime(request) }) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = Format.chinaStandardTime
        Output.line(formatter.string(from: $0.dueTime.date))
        if !$0.calendarDefined { Output.line("(provisional: a year crossed has no arrangement)") }
      }
    }
  }

  /// The standard is the city's; whether and where the district handles an item of it is
  /// the district's (FED-2), and its intake follows what is set here.
  struct LocalDetails: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "local-details",
      abstract: "Say whether this district handles an item of its city's standard, and where.",
      discussion: """
        Example: hallctl catalog local-details HL-SCJG-004 --window "华龙区政务服务中心 5号窗口"
                 hallctl catalog local-details HL-FGW-001 --not-handled
        """)

    @OptionGroup var connection: CatalogConnection

    @Argument(help: "Code of an item of the city's standard.") var code: String

    @Flag(help: "This hall does not handle the item: it takes no application for it.")
    var notHandled = false

    @Option(help: "Where to apply in this hall; the standard's when omitted.") var window = ""

    @Option(help: "This hall's consultation phone; the standard's when omitted.") var phone = ""

    @Option(values: { "This hall's placement: \($0); the standard's when omitted." })
    var placement: CatalogHallPlacement?

    @Option(help: "Why the item is not in this hall (with --placement not-in-hall).")
    var placementReason = ""

    func run() async throws {
      let request = SetItemLocalDetailsRequest.with {
        $0.details.itemCode = code
        $0.details.implemented = !notHandled
        $0.details.serviceLocation = window
        $0.details.consultationPhone = phone
        $0.details.placement = placement ?? .unspecified
        $0.details.placementReason = placementReason
      }
      try await connection.show({ try await $0.setItemLocalDetails(request) }) {
        Output.table(
          ["item", "handled here", "window", "phone", "placement", "set by"],
          [
            [
              $0.itemCode, $0.implemented ? "yes" : "no", $0.serviceLocation,
              $0.consultationPhone,
              $0.placement == .unspecified ? "" : ProtoEnum.name($0.placement), $0.updatedBy,
            ]
          ])
      }
    }
  }
}
