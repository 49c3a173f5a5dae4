import ArgumentParser
import HallContracts
import SwiftProtobuf

struct SupervisionCaseCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "case",
    abstract: "Supervised cases: one case with its cards and anomalies, or a combined query.",
    discussion: """
      Supervision keeps every case of the deployment: from intake's feed, and as departments \
      report them (API, CSV file). A supervisor reads all; an approver or department_admin \
      their own department's.
      """,
    subcommands: [Get.self, Query.self])

  static func state(_ number: Int32) -> String {
    guard number != 0 else { return "" }
    return CaseView.state(CaseState(rawValue: Int(number)) ?? .UNRECOGNIZED(0))
  }

  static func cards(_ kase: SupervisedCase) -> String {
    [
      kase.hasYellowCardTime ? "yellow \(Format.time(kase.yellowCardTime))" : "",
      kase.hasRedCardTime ? "red \(Format.time(kase.redCardTime))" : "",
    ].filter { !$0.isEmpty }.joined(separator: ", ")
  }

  static func full(_ kase: SupervisedCase) {
    Output.fields([
      ("case", kase.caseNumber), ("item", "\(kase.itemCode) \(kase.itemName)"),
      ("department", kase.departmentID), ("region", kase.regionCode),
      ("where", Format.place(kase.hallID, kase.windowID)),
      ("staff", kase.staffID), ("source", Format.state(kase.source)),
      ("state", state(kase.state) + (kase.open ? " (open)" : "")),
      (
        "kind",
        kase.caseKind == .onTheSpot
          ? "on the spot"
          : "\(Format.state(kase.caseKind)), \(kase.promisedWorkingDays) working days promised"
      ),
      ("received", Format.time(kase.receiveTime)), ("accepted", Format.time(kase.acceptTime)),
      ("completed", Format.time(kase.completionTime)),
      ("warning from", Format.time(kase.warningTime)), ("due", Format.time(kase.dueTime)),
      ("timeliness", Format.state(kase.timeliness)), ("cards", cards(kase)),
      ("visits", "\(kase.visits) of at most \(kase.maxVisits)"),
      (
        "fee",
        kase.feeChargedFen == 0 && kase.feeStandardFen == 0
          ? ""
          : "\(Format.yuan(kase.feeChargedFen)) charged, standard \(Format.yuan(kase.feeStandardFen))"
      ),
      ("window wait", kase.waitSeconds == 0 ? "" : Format.duration(seconds: kase.waitSeconds)),
      ("updated", Format.time(kase.updateTime)),
    ])
    Output.history(
      kase.timeline.map { [Format.time($0.time), $0.action, state($0.state), $0.actor, $0.note] })
  }

  struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a case: its facts, due time and cards, timeline and anomalies.",
      discussion: """
        The cards are the yellow (warned) and red (overdue) cards with the instant each was \
        raised; a card is raised once and kept. --json prints the case as the service gave it.

        Example: hallctl supervision case get HL-SCJG-004-20260928-0007
        """)

    @OptionGroup var connection: SupervisionConnection

    @Argument(help: "Case number.") var caseNumber: String

    func run() async throws {
      try await connection.with { supervision in
        let kase = try await supervision.getCase(.with { $0.caseNumber = caseNumber })
        try connection.present(kase, SupervisionCaseCommand.full)
        guard !connection.json, !kase.anomalyIds.isEmpty else { return }
        let anomalies = try await supervision.listAnomalies(
          .with {
            $0.caseNumber = caseNumber
            $0.pageSize = 500
          })
        Output.line()
        AnomalyView.table(anomalies.anomalies)
      }
    }
  }

  struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Query cases across departments by item, timeliness, anomalies and source.",
      discussion: """
        Each filter applies when given; a department's staff see only their department.

        Example: hallctl supervision case query --department scjg --timeliness overdue --open
        """)

    @OptionGroup var connection: SupervisionConnection

    @Option(help: "Only this department's cases.") var department = ""

    @Option(help: "Only this region's cases (GB/T 2260 code).") var region = ""

    @Option(help: "Only cases of this item.") var item = ""

    @Option(values: { "Only \($0) cases." }) var timeliness: Timeliness?

    @Flag(help: "Only open cases.") var open = false

    @Flag(help: "Only cases with at least one counted anomaly.") var withAnomalies = false

    @Option(help: "Received on or after this day, yyyy-MM-dd.", transform: Format.civilDate)
    var from: ContractDate?

    @Option(help: "Received before this day, yyyy-MM-dd.", transform: Format.civilDate)
    var to: ContractDate?

    @Option(values: { "Only cases from: \($0)." }) var source: CaseSource?

    @OptionGroup var page: PageOptions

    func run() async throws {
      try await connection.list(page, { try await $0.queryCases($1) }, Self.table) {
        $0.departmentID = department
        $0.regionCode = region
        $0.itemCode = item
        $0.timeliness = timeliness ?? .unspecified
        $0.openOnly = open
        $0.withAnomalies = withAnomalies
        if let from { $0.receivedFrom = from }
        if let to { $0.receivedTo = to }
        $0.source = source ?? .unspecified
      }
    }

    static func table(_ listing: QueryCasesResponse) {
      Output.table(
        [
          "case", "item", "department", "source", "state", "received", "due", "timeliness",
          "cards", "anomalies",
        ],
        listing.cases.map {
          [
            $0.caseNumber, $0.itemCode, $0.departmentID, Format.state($0.source),
            SupervisionCaseCommand.state($0.state), Format.time($0.receiveTime),
            Format.time($0.dueTime), Format.state($0.timeliness), SupervisionCaseCommand.cards($0),
            $0.anomalyIds.joined(separator: " "),
          ]
        })
    }
  }
}
