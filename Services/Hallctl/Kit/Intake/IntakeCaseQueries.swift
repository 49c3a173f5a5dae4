import ArgumentParser
import HallContracts
import SwiftProtobuf

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

  @Option(
    help: "Only this state: \(ProtoEnum.choices(Hall_Intake_V1_CaseState.self)).",
    transform: ProtoEnum.parse)
  var state: Hall_Intake_V1_CaseState?

  @Option(help: "Only this department's cases.") var department = ""

  @Option(help: "Only cases received in this hall.") var hall = ""

  @Option(help: "Only cases of this item.") var item = ""

  @Flag(help: "Only open (unfinished) cases.") var open = false

  @OptionGroup var page: PageOptions

  func run() async throws {
    let request = Hall_Intake_V1_ListCasesRequest.with {
      $0.state = state ?? .unspecified
      $0.departmentID = department
      $0.hallID = hall
      $0.itemCode = item
      $0.openOnly = open
      page.apply(to: &$0)
    }
    try await connection.show(
      { try await $0.listCases(request) }
    ) {
      Output.table(
        ["case", "item", "state", "applicant", "received", "due"],
        $0.cases.map {
          [
            $0.caseNumber, $0.itemName, CaseView.state($0.state),
            "\($0.applicant.name) \($0.applicant.idNumber)", Format.time($0.receiveTime),
            CaseView.due($0),
          ]
        })
    }
  }
}
