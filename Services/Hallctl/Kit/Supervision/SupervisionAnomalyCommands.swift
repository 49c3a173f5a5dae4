import ArgumentParser
import HallContracts
import SwiftProtobuf

/// The anomaly a step acts on, and the key that makes repeating it safe.
typealias AnomalyTarget = StepTarget<Anomaly>

/// Every step answers with the anomaly as it now stands.
extension Anomaly: StepRecord {
  typealias Client = SupervisionServiceClient
  static var argument: ArgumentHelp {
    ArgumentHelp(
      "Anomaly id: M-<n> for a manual entry, <case number>/<rule code> otherwise.",
      valueName: "id")
  }
  static func brief(_ anomaly: Self) { AnomalyView.brief(anomaly) }
}

struct SupervisionAnomalyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "anomaly",
    abstract: "Anomalies [异常办件]: list, manual entries and their judgement, appeals, follow-up.",
    discussion: """
      Rules raise anomalies by themselves; a supervisor records what came from outside \
      (complaints, media, instructions, inspections) and judges it. The department (approver \
      or department_admin token) may appeal an anomaly once within 10 working days; a \
      supervisor upholds (the anomaly leaves the figures) or rejects. Follow-up: the \
      supervisor urges, the department reports its correction, the supervisor closes; a red \
      card may be handed over for sanction and its disposition recorded.

      Example flow:
        hallctl supervision anomaly record --source phone-complaint \\
          --department scjg --summary 窗口人员态度生硬 --evidence "12345 工单 0928-001"
        hallctl supervision anomaly judge M-1 --anomalous --category integrity \\
          --signal yellow --judgement 录音核实属实
        hallctl supervision anomaly appeal M-1 --reason "…"   # department's token
        hallctl supervision anomaly decide-appeal M-1 --reject --reason "…"
        hallctl supervision anomaly follow-up M-1 --kind urged --note 限期整改
      """,
    subcommands: [
      List.self, Get.self, Record.self, Judge.self, Appeal.self, DecideAppeal.self,
      FollowUp.self,
    ])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List anomalies by department, case, rule, category, signal, state or day.",
      discussion: """
        Each filter applies when given; a department's staff see only their department.

        Example: hallctl supervision anomaly list --state open --signal red --from 2026-11-01
        """)

    @OptionGroup var connection: SupervisionConnection

    @Option(help: "Only this department's anomalies.") var department = ""

    @Option(help: "Only this region's anomalies.") var region = ""

    @Option(name: .customLong("case"), help: "Only anomalies of this case.") var caseNumber = ""

    @Option(help: "Only this rule's, e.g. OVERDUE or MANUAL.") var rule = ""

    @Option(values: { "Only \($0)." }) var category: RuleCategory?

    @Option(values: { "Only \($0)." }) var signal: Signal?

    @Option(values: { "Only \($0)." }) var state: AnomalyState?

    @Option(help: "Raised on or after this day, yyyy-MM-dd.", transform: Format.civilDate)
    var from: ContractDate?

    @Option(help: "Raised before this day, yyyy-MM-dd.", transform: Format.civilDate)
    var to: ContractDate?

    @OptionGroup var page: PageOptions

    func run() async throws {
      try await connection.list(
        page, { try await $0.listAnomalies($1) }, { AnomalyView.table($0.anomalies) }
      ) {
        $0.departmentID = department
        $0.regionCode = region
        $0.caseNumber = caseNumber
        $0.ruleCode = rule
        $0.category = category ?? .unspecified
        $0.signal = signal ?? .unspecified
        $0.state = state ?? .unspecified
        if let from { $0.raisedFrom = from }
        if let to { $0.raisedTo = to }
      }
    }
  }

  struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show an anomaly: what was found, its evidence, appeal and follow-up.",
      discussion: "Example: hallctl supervision anomaly get HL-SCJG-004-20260928-0007/OVERDUE")

    @OptionGroup var connection: SupervisionConnection

    @Argument(help: "Anomaly id.") var id: String

    func run() async throws {
      try await connection.show({ try await $0.getAnomaly(.with { $0.id = id }) }, AnomalyView.full)
    }
  }

  struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record a manual entry from a complaint, the media, an instruction or inspection.",
      discussion: """
        Needs a supervisor's token. The entry waits for a judgement and counts nowhere until \
        judged anomalous. Name the case it concerns (department, window and staff come from \
        it), or the department when there is no particular case.

        Example: hallctl supervision anomaly record --source web-complaint \\
          --case HL-SCJG-004-20260928-0007 --summary "多次往返" --evidence "网络投诉 W-1102"
        """)

    @OptionGroup var change: SupervisionChange

    @Option(values: { "Where it came from: \($0)." }) var source: ManualSource

    @Option(name: .customLong("case"), help: "The case it concerns.") var caseNumber = ""

    @Option(help: "The department (required without --case).") var department = ""

    @OptionGroup var seenAt: WindowOptions

    @Option(help: "Staff id.") var staff = ""

    @Option(help: "What was reported, up to 2 000 characters.") var summary: String

    @Option(help: "Where the evidence is: complaint number, article, instruction document…")
    var evidence: String

    func run() async throws {
      try await change.send({ try await $0.recordManualEntry($1) }, AnomalyView.brief) {
        $0.source = source
        $0.caseNumber = caseNumber
        $0.departmentID = department
        $0.place(at: seenAt)
        $0.staffID = staff
        $0.summary = summary
        $0.evidence = evidence
      }
    }
  }

  struct Judge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Judge a manual entry: an anomaly (with category and signal) or none.",
      discussion: """
        Needs a supervisor's token. An anomaly counts from the judgement and may be appealed \
        within 10 working days; an entry judged none is removed.

        Example: hallctl supervision anomaly judge M-3 --anomalous \\
          --category integrity --signal red --judgement 暗访录像证实索要好处
        """)

    enum Finding: String, EnumerableFlag {
      case anomalous, notAnomalous
    }

    @OptionGroup var target: AnomalyTarget

    @Flag(help: "The finding.") var finding: Finding

    @Option(values: { "Category, for an anomaly: \($0)." }) var category: RuleCategory?

    @Option(values: { "Signal, for an anomaly: \($0)." }) var signal: Signal?

    @Option(help: "The officer's reasoning.") var judgement: String

    func run() async throws {
      try await target.change({ try await $0.judgeManualEntry($1) }) {
        $0.anomalous = finding == .anomalous
        $0.category = category ?? .unspecified
        $0.signal = signal ?? .unspecified
        $0.judgement = judgement
      }
    }
  }

  struct Appeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Appeal an anomaly of your department [申诉], once, within 10 working days.",
      discussion: """
        Needs an approver's or department_admin's token of the anomaly's department.

        Example: hallctl supervision anomaly appeal M-1 --reason "当日系统故障，附运维记录"
        """)

    @OptionGroup var target: AnomalyTarget

    @Option(help: "Why, with the evidence.") var reason: String

    func run() async throws {
      try await target.change({ try await $0.appealAnomaly($1) }) {
        $0.reason = reason
      }
    }
  }

  struct DecideAppeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "decide-appeal",
      abstract: "Uphold an appeal (the anomaly leaves the figures) or reject it (it stands).",
      discussion: """
        Needs a supervisor's token.

        Example: hallctl supervision anomaly decide-appeal M-1 --uphold --reason "运维记录属实"
        """)

    @OptionGroup var target: AnomalyTarget
    @OptionGroup var decision: AppealDecisionOptions

    func run() async throws {
      try await target.change({ try await $0.decideAppeal($1) }, decision.apply)
    }
  }

  struct FollowUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "follow-up",
      abstract: "Record a follow-up step [督办纠错]: urged, corrected, closed, handed over, disposed.",
      discussion: """
        A supervisor urges, closes (after the department's correction), hands a red card \
        over for sanction (--to names the body) and records its disposition; the department \
        (approver or department_admin) reports its correction.

        Example: hallctl supervision anomaly follow-up M-1 --kind handed-over \\
          --to 区纪委监委 --note "移交问责"
        """)

    @OptionGroup var target: AnomalyTarget

    @Option(values: { "\($0)." }) var kind: FollowUpKind

    @Option(help: "What was done or decided.") var note: String

    @Option(help: "For handed-over: the body it went to.") var to = ""

    func run() async throws {
      try await target.change({ try await $0.recordFollowUp($1) }) {
        $0.kind = kind
        $0.note = note
        $0.to = to
      }
    }
  }
}
