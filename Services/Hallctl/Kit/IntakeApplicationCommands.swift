import ArgumentParser
import HallContracts
import SwiftProtobuf

struct IntakeApplicationCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "application",
    abstract: "One-thing applications [一件事]: one form, one material set, a case per item.",
    subcommands: [Submit.self, Accept.self, Get.self])

  static func show(_ application: Hall_Intake_V1_BundleApplication, _ json: Bool) throws {
    if json { return try Output.json(application) }
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

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    @Option(help: "Bundle code.")
    var bundle: String?

    @OptionGroup var submission: SubmissionOptions

    func run() async throws {
      var request = try submission.request(
        Hall_Intake_V1_SubmitBundleApplicationRequest.self, requestID: write.id)
      if let bundle { request.bundleCode = bundle }
      try await IntakeCommand.withIntake(connection) { intake in
        try IntakeApplicationCommand.show(
          try await intake.submitBundleApplication(request), connection.json)
      }
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

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    @Argument(help: "Application id, e.g. KBCG-20260928-0003.")
    var applicationID: String

    @OptionGroup var acceptance: AcceptanceOptions

    func run() async throws {
      let decision = try acceptance.decision()
      try await IntakeCommand.withIntake(connection) { intake in
        let application = try await intake.acceptBundleApplication(
          .with {
            $0.requestID = write.id
            $0.applicationID = applicationID
            $0.defects = decision.defects
            $0.shortfallCommitment = decision.shortfallCommitment
            $0.shortfallWorkingDays = decision.shortfallWorkingDays
          })
        try IntakeApplicationCommand.show(application, connection.json)
      }
    }
  }

  struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a one-thing application and where each of its cases stands.",
      discussion: "Example: hallctl intake application get KBCG-20260928-0003")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Application id.")
    var applicationID: String

    func run() async throws {
      try await IntakeCommand.withIntake(connection) { intake in
        let application = try await intake.getBundleApplication(
          .with { $0.applicationID = applicationID })
        try IntakeApplicationCommand.show(application, connection.json)
      }
    }
  }
}
