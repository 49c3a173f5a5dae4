import ArgumentParser
import HallContracts

struct IntakeReviewCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "The back office [后台审批]: review, correct, pause, extend, decide, escalate, issue.",
    discussion: """
      Needs an approver's token of the department that owns the case's item.

      Example flow:
        hallctl intake review start HL-SCJG-004-20260928-0007
        hallctl intake review decide HL-SCJG-004-20260928-0007 --approve
        hallctl intake review issue-licence HL-SCJG-004-20260928-0007 --name 食品经营许可证
      """,
    subcommands: [
      Start.self, RequestCorrection.self, SpecialStart.self, SpecialEnd.self, Extend.self,
      Decide.self, Escalate.self, IssueLicence.self,
    ])

  struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Take an accepted case into review [审查].")

    @OptionGroup var target: CaseTarget

    func run() async throws {
      try await target.change({ try await $0.startReview($1) })
    }
  }

  struct RequestCorrection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Ask for a correction during review; the clock pauses until it arrives.",
      discussion: """
        List everything at once: one notice per request.

        Example: hallctl intake review request-correction HL-SCJG-004-20260928-0007 \\
          --defect m4=平面图未标注面积
        """)

    @OptionGroup var target: CaseTarget

    @Option(name: .customLong("defect"), help: "material=reason, repeat per material.")
    var defects: [String]

    func run() async throws {
      try await target.change({ try await $0.requestCorrection($1) }) {
        $0.defects = try IntakeCommand.defects(defects)
      }
    }
  }

  struct SpecialStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "special-start",
      abstract: "Start a special procedure the item's guide lists [特别程序].",
      discussion: """
        Whether its time counts inside the limit is the guide's setting.

        Example: hallctl intake review special-start HL-SCJG-004-20260928-0007 \\
          --name 现场核查 --reason 核实经营场所
        """)

    @OptionGroup var target: CaseTarget

    @Option(help: "The procedure's name as the guide lists it, e.g. 现场核查.") var name: String

    @Option(help: "Why it is needed.") var reason: String

    func run() async throws {
      try await target.change({ try await $0.startSpecialProcedure($1) }) {
        $0.name = name
        $0.reason = reason
      }
    }
  }

  struct SpecialEnd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "special-end", abstract: "End the special procedure under way, with its result.")

    @OptionGroup var target: CaseTarget

    @Option(help: "The result, in words.") var result: String

    func run() async throws {
      try await target.change({ try await $0.endSpecialProcedure($1) }) {
        $0.result = result
      }
    }
  }

  struct Extend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Extend the deadline within the law [延长审批期限].",
      discussion: """
        All extensions together stay within the statutory limit plus the statutory extension.

        Example: hallctl intake review extend HL-SCJG-004-20260928-0007 --days 10 \\
          --reason "经局长批准延长十个工作日"
        """)

    @OptionGroup var target: CaseTarget

    @Option(help: "Working days added.") var days: Int32

    @Option(help: "Why, and the approval it rests on.") var reason: String

    func run() async throws {
      try await target.change({ try await $0.extendDeadline($1) }) {
        $0.workingDays = days
        $0.reason = reason
      }
    }
  }

  struct Decide: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Decide a case under review: approve [准予] or deny [不予许可].",
      discussion: """
        Denying needs the reason.

        Example: hallctl intake review decide HL-SCJG-004-20260928-0007 --deny \\
          --reason "经营场所不符合要求"
        """)

    enum Verdict: String, EnumerableFlag {
      case approve, deny
    }

    @OptionGroup var target: CaseTarget

    @Flag(help: "The decision.") var verdict: Verdict

    @Option(help: "Why (required when denying).") var reason = ""

    func run() async throws {
      try await target.change({ try await $0.decideCase($1) }) {
        $0.approve = verdict == .approve
        $0.reason = reason
      }
    }
  }

  struct Escalate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Pass a case to the higher level that decides it [报批件].",
      discussion: """
        Example: hallctl intake review escalate HL-SCJG-004-20260928-0007 --to-level city \\
          --to-authority 濮阳市市场监管局 --reason 跨区经营须市级审批
        """)

    @OptionGroup var target: CaseTarget

    @Option(values: { "Level that decides: \($0)." }) var toLevel: AdministrativeLevel

    @Option(help: "The receiving authority.") var toAuthority: String

    @Option(help: "Why.") var reason: String

    func run() async throws {
      try await target.change({ try await $0.escalateCase($1) }) {
        $0.toLevel = toLevel
        $0.toAuthority = toAuthority
        $0.reason = reason
      }
    }
  }

  struct IssueLicence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "issue-licence", abstract: "Issue the licence of an approved case [制证].",
      discussion: """
        Example: hallctl intake review issue-licence HL-SCJG-004-20260928-0007 \\
          --name 食品经营许可证 --valid-until 2031-09-27
        """)

    @OptionGroup var target: CaseTarget

    @Option(help: "Name of the licence or certificate.") var name: String

    @Option(help: "Licence number (default: derived from the case number).") var number = ""

    @Option(help: "Last day of validity, yyyy-MM-dd.", transform: Format.civilDate)
    var validUntil: ContractDate?

    func run() async throws {
      try await target.change({ try await $0.issueLicence($1) }) {
        $0.licenceName = name
        $0.licenceNumber = number
        if let validUntil { $0.validUntil = validUntil }
      }
    }
  }
}
