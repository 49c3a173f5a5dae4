import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

struct IntakeCaseCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "case",
    abstract: "Cases [办件]: submit, decide acceptance, answer notices, deliver, read.",
    subcommands: [
      Submit.self, Accept.self, Refuse.self, IntakeCorrect.self, IntakeSupply.self,
      IntakeWithdraw.self, IntakeDeliver.self, IntakeFee.self, IntakeVisit.self,
      IntakeCaseGet.self, IntakeCaseList.self,
    ])

  struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Receive an application for one item [收件].",
      discussion: """
        A clerk submits at the window (--window); an applicant, or an agent with the \
        applicant's mandate, submits online (--channel pc, mobile or self-service) with their \
        own token. Materials are the guide's ids; anything the guide does not list is \
        refused. The request may come from a file in the contract's JSON form \
        (SubmitCaseRequest), the flags adding to it.

        At the window the clerk may decide acceptance in the same call [收件即受理]: --accept, \
        or any of --defect, --shortfall-commitment and --shortfall-days, as `hallctl intake \
        case accept` takes them.

        Examples:
          hallctl intake case submit --item HL-SCJG-004 --window W03 \\
            --applicant-id 410102199003071230 --applicant-name 张三 --phone 13800001111 \\
            --material m1 --material m3 --form enterprise_name=郑州好味餐饮有限公司
          hallctl intake case submit --item HL-SCJG-001 --window W03 --accept \\
            --applicant-id 410102199003071230 --applicant-name 张三 --material m1
        """)

    @OptionGroup var change: IntakeChange

    @Option(help: "Item code applied for; the version in force now is used.") var item: String?

    @OptionGroup var submission: SubmissionOptions

    @Flag(help: "Decide acceptance in the same call (a clerk at the window).") var accept = false

    @OptionGroup var acceptance: AcceptanceOptions

    func run() async throws {
      try await submission.send(change, { try await $0.submitCase($1) }, CaseView.brief) {
        if let item { $0.itemCode = item }
        if accept || acceptance.given { $0.decision = try acceptance.decision() }
      }
    }
  }

  struct Accept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Decide acceptance of a received case [受理].",
      discussion: """
        Needs a clerk's token. With nothing wrong the case is accepted and its clock starts. \
        Missing or defective materials (--defect) return it with one notice listing \
        everything [一次告知]; with the applicant's written commitment \
        (--shortfall-commitment) missing shortfall-eligible materials are accepted to be \
        supplied later [容缺受理]. To refuse, use `hallctl intake case refuse`.

        Examples:
          hallctl intake case accept HL-SCJG-004-20260928-0007
          hallctl intake case accept HL-SCJG-004-20260928-0007 --defect m1=复印件不清晰
          hallctl intake case accept HL-SCJG-004-20260928-0007 \\
            --shortfall-commitment "五个工作日内补交健康证明" --shortfall-days 5
        """)

    @OptionGroup var target: CaseTarget
    @OptionGroup var acceptance: AcceptanceOptions

    func run() async throws {
      try await target.change({ try await $0.acceptCase($1) }) { try acceptance.apply(to: &$0) }
    }
  }

  struct Refuse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Refuse a received case [不予受理], with the reason given to the applicant.",
      discussion: """
        Needs a clerk's token.

        Example:
          hallctl intake case refuse HL-SCJG-004-20260928-0007 --reason outside-jurisdiction \\
            --detail "经营场所不在本区"
        """)

    @OptionGroup var target: CaseTarget

    @Option(values: { "Why: \($0)." }) var reason: RefusalReason

    @Option(help: "The reason in words, as the applicant will read it.") var detail: String

    func run() async throws {
      try await target.change({ try await $0.acceptCase($1) }) {
        $0.refusalReason = reason
        $0.refusalDetail = detail
      }
    }
  }
}

// MARK: - The applicant's answers to the hall, and what the window records after the decision

struct IntakeCorrect: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "correct",
    abstract: "Bring what a correction notice listed [补正].",
    discussion: """
      Needs the applicant's token (or the agent's). Every item of the outstanding notice \
      must be among the materials.

      Example: hallctl intake case correct HL-SCJG-004-20260928-0007 --material m1
      """)

  @OptionGroup var target: CaseTarget

  @Option(name: .customLong("material"), help: "Material id brought (repeat per material).")
  var materials: [String]

  func run() async throws {
    try await target.change({ try await $0.submitCorrection($1) }) {
      $0.materialIds = materials
    }
  }
}

struct IntakeSupply: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "supply",
    abstract: "Supply materials promised under a shortfall commitment [容缺补齐].",
    discussion: """
      Needs the applicant's token; the shortfall closes when everything promised is in.

      Example: hallctl intake case supply HL-SCJG-004-20260928-0007 --material m3
      """)

  @OptionGroup var target: CaseTarget

  @Option(name: .customLong("material"), help: "Material id supplied (repeat per material).")
  var materials: [String]

  func run() async throws {
    try await target.change({ try await $0.supplyShortfall($1) }) {
      $0.materialIds = materials
    }
  }
}

struct IntakeWithdraw: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "withdraw",
    abstract: "Withdraw a case at the applicant's wish [撤回].",
    discussion: """
      Needs the applicant's token.

      Example: hallctl intake case withdraw HL-SCJG-004-20260928-0007 --reason "不再经营"
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Why, in words.") var reason: String

  func run() async throws {
    try await target.change({ try await $0.withdrawCase($1) }) {
      $0.reason = reason
    }
  }
}

struct IntakeDeliver: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deliver",
    abstract: "Deliver an issued result the way the applicant chose [送达].",
    discussion: """
      Needs a clerk's token. Free post needs the tracking number.

      Example: hallctl intake case deliver HL-SCJG-004-20260928-0007 --reference EMS1234567
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Post tracking number, or electronic delivery reference.") var reference = ""

  func run() async throws {
    try await target.change({ try await $0.deliverResult($1) }) {
      $0.reference = reference
    }
  }
}

struct IntakeFee: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fee",
    abstract: "Record a fee charged on a case; it is checked against the item's standard.",
    discussion: """
      Needs a clerk's token.

      Example: hallctl intake case fee HL-SCJG-004-20260928-0007 --amount 10 --receipt 41000123
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Amount in yuan, e.g. 10 or 12.50.", transform: IntakeFee.fen) var amount: Int64

  @Option(help: "Receipt number [缴款书号].") var receipt: String

  /// Yuan to fen without floating point, so 0.29 stays 29 fen.
  static func fen(_ text: String) throws -> Int64 {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let yuan = Int64(parts[0]), yuan >= 0,
      parts.count == 1 || ((1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isNumber))
    else { throw ValidationError("--amount wants yuan with at most two decimals, got \(text)") }
    let fraction =
      parts.count == 2 ? parts[1].padding(toLength: 2, withPad: "0", startingAt: 0) : "0"
    return yuan * 100 + (Int64(fraction) ?? 0)
  }

  func run() async throws {
    try await target.change({ try await $0.recordFee($1) }) {
      $0.amountFen = amount
      $0.receiptNumber = receipt
    }
  }
}

struct IntakeVisit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "visit",
    abstract: "Record an on-site visit of the applicant [跑动], counted against the promise.",
    discussion: """
      Needs a clerk's token.

      Example: hallctl intake case visit HL-SCJG-004-20260928-0007 --purpose 领取证照
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Why they came, e.g. 领取证照.") var purpose: String

  func run() async throws {
    try await target.change({ try await $0.recordVisit($1) }) {
      $0.purpose = purpose
    }
  }
}

// MARK: - Reading cases

struct IntakeCaseGet: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "get",
    abstract: "Show a case: applicant, deadline, materials, notices, and its whole timeline.",
    discussion: """
      A supervisor reads every case, an approver their department's, a clerk their hall's, \
      an applicant their own.

      Example: hallctl intake case get HL-SCJG-004-20260928-0007
      """)

  @OptionGroup var connection: IntakeConnection

  @Argument(help: "Case number.") var caseNumber: String

  func run() async throws {
    try await connection.show(
      { try await $0.getCase(.with { $0.caseNumber = caseNumber }) }, CaseView.full)
  }
}

struct IntakeCaseList: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List cases, newest first; applicant identifiers masked.",
    discussion: """
      What the token sees: a clerk their hall's cases, an approver their department's, an \
      applicant their own, a supervisor all.

      Example: hallctl intake case list --open --department scjg
      """)

  @OptionGroup var connection: IntakeConnection

  @Option(values: { "Only this state: \($0)." }) var state: CaseState?

  @Option(help: "Only this department's cases.") var department = ""

  @Option(help: "Only cases received in this hall.") var hall = ""

  @Option(help: "Only cases of this item.") var item = ""

  @Flag(help: "Only open (unfinished) cases.") var open = false

  @OptionGroup var page: PageOptions

  func run() async throws {
    try await connection.list(page, { try await $0.listCases($1) }, { CaseView.table($0.cases) }) {
      $0.state = state ?? .unspecified
      $0.departmentID = department
      $0.hallID = hall
      $0.itemCode = item
      $0.openOnly = open
    }
  }
}
