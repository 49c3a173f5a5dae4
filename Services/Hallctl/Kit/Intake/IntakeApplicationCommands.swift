import ArgumentParser
import HallContracts
import SwiftProtobuf

struct IntakeApplicationCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "application",
    abstract: "One-thing applications [一件事]: one form, one material set, a case per item.",
    subcommands: [Submit.self, Accept.self, Get.self])

  struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Receive a one-thing application; it fans out into one case per member item.",
      discussion: """
        Needs a clerk's token at the window, or the applicant's online. Materials are ids of \
        the bundle's merged list; each counts for every member item that asks for it.

        Example:
          hallctl intake application submit --bundle KBCG --window W03 \\
            --applicant-id 410102199003071230 --applicant-name 张三 \\
            --material m1 --material m3 --form enterprise_name=郑州好味餐饮有限公司
        """)

    @OptionGroup var change: IntakeChange

    @Option(help: "Bundle code.") var bundle: String?

    @OptionGroup var submission: SubmissionOptions

    func run() async throws {
      try await submission.send(
        change, { try await $0.submitBundleApplication($1) },
        BundleApplication.brief
      ) { if let bundle { $0.bundleCode = bundle } }
    }
  }

  struct Accept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Decide acceptance of every sub-case at once.",
      discussion: """
        Needs a clerk's token. Defects name merged material ids and apply to every member \
        that asks for the material; each sub-case that needs one gets its own notice.

        Example: hallctl intake application accept KBCG-20260928-0003
        """)

    @OptionGroup var target: StepTarget<BundleApplication>
    @OptionGroup var acceptance: AcceptanceOptions

    func run() async throws {
      try await target.change({ try await $0.acceptBundleApplication($1) }) {
        try acceptance.apply(to: &$0)
      }
    }
  }

  struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a one-thing application and where each of its cases stands.",
      discussion: "Example: hallctl intake application get KBCG-20260928-0003")

    @OptionGroup var connection: IntakeConnection

    @Argument(help: "Application id.") var applicationID: String

    func run() async throws {
      try await connection.show(
        { try await $0.getBundleApplication(.with { $0.applicationID = applicationID }) },
        BundleApplication.brief)
    }
  }
}

/// An application as the window shows it: the whole of it, then where each sub-case stands.
extension BundleApplication: StepRecord {
  typealias Client = IntakeServiceClient
  static var argument: ArgumentHelp {
    ArgumentHelp("Application id, e.g. KBCG-20260928-0003.", valueName: "application-id")
  }

  static func brief(_ application: Self) {
    Output.fields([
      ("application", application.id),
      (
        "bundle",
        "\(application.bundleCode) v\(application.bundleVersion) \(application.bundleName)"
      ),
      ("status", Format.state(application.status)),
      ("applicant", "\(application.applicant.name) \(application.applicant.idNumber)"),
      ("received", Format.time(application.receiveTime)), ("due", Format.time(application.dueTime)),
    ])
    Output.line()
    Output.table(
      ["case", "item", "department", "state", "due"],
      application.subCases.map {
        [
          $0.caseNumber, $0.itemCode, $0.departmentID, CaseView.state($0.state),
          Format.time($0.dueTime),
        ]
      })
  }
}
