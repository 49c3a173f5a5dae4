import ArgumentParser
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

    @OptionGroup var connection: IntakeConnection
    @OptionGroup var write: WriteOptions

    @Option(help: "Item code applied for; the version in force now is used.") var item: String?

    @OptionGroup var submission: SubmissionOptions

    @Flag(help: "Decide acceptance in the same call (a clerk at the window).") var accept = false

    @OptionGroup var acceptance: AcceptanceOptions

    func run() async throws {
      var request = try submission.request(
        Hall_Intake_V1_SubmitCaseRequest.self, requestID: write.id)
      if let item { request.itemCode = item }
      if accept || acceptance.given { request.decision = try acceptance.decision() }
      let submitted = request
      try await connection.show(
        { try await $0.submitCase(submitted) },
        CaseView.brief)
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

    @Option(
      help: "Why: \(ProtoEnum.choices(Hall_Intake_V1_RefusalReason.self)).",
      transform: ProtoEnum.parse)
    var reason: Hall_Intake_V1_RefusalReason

    @Option(help: "The reason in words, as the applicant will read it.") var detail: String

    func run() async throws {
      try await target.change({ try await $0.acceptCase($1) }) {
        $0.refusalReason = reason
        $0.refusalDetail = detail
      }
    }
  }
}
