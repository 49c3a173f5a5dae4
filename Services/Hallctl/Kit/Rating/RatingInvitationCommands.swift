import ArgumentParser
import HallContracts
import SwiftProtobuf

struct RatingInvitationCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "invitation",
    abstract: "Invite unrated finished cases to rate, by phone or SMS [回访邀评].",
    discussion: "Needs a supervisor's token.",
    subcommands: [List.self, Record.self])

  static func show(_ invitation: Invitation) {
    Output.fields([
      ("invitation", invitation.id), ("outcome", Format.state(invitation.outcome)),
      ("channel", Format.state(invitation.channel)),
      ("worked", "\(Format.time(invitation.workedTime)) by \(invitation.workedBy)"),
      ("note", invitation.note),
    ])
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The day's open invitations, the most urgent first.",
      discussion: "Example: hallctl rating invitation list --day 2026-09-29")

    @OptionGroup var connection: RatingConnection

    @Option(
      help: "The day whose list is wanted, yyyy-MM-dd (default: today).",
      transform: Format.civilDate)
    var day: ContractDate?

    @OptionGroup var page: PageOptions

    func run() async throws {
      try await connection.list(page, { try await $0.listInvitations($1) }, Self.table) {
        if let day { $0.day = day }
      }
    }

    static func table(_ listing: ListInvitationsResponse) {
      Output.table(
        ["invitation", "department", "finished", "due by", "outcome"],
        listing.invitations.map {
          [
            $0.id, $0.departmentID, Format.time($0.caseFinishTime), Format.date($0.dueBy),
            Format.state($0.outcome),
          ]
        })
    }
  }

  struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record what came of calling or texting the applicant.",
      discussion: """
        A rated outcome records the applicant's rating, given through you.

        Examples:
          hallctl rating invitation record HL-SCJG-004-20260928-0007-INV --channel phone \\
            --outcome rated --satisfaction 2
          hallctl rating invitation record HL-SCJG-004-20260928-0007-INV --channel sms \\
            --outcome unreachable --note 短信未回复
        """)

    @OptionGroup var target: StepTarget<Invitation>

    @Option(help: "phone or sms.", transform: ProtoEnum.parse)
    var channel: RatingChannel

    @Option(values: { "\($0)." }) var outcome: InvitationOutcome

    @Option(help: "1–5 or a name (when rated).", transform: ProtoEnum.parse)
    var satisfaction: Satisfaction?

    @Option(help: "The applicant's words (when rated).") var text = ""

    @Option(help: "Your note.") var note = ""

    func run() async throws {
      try await target.change({ try await $0.recordInvitationOutcome($1) }) {
        $0.channel = channel
        $0.outcome = outcome
        $0.satisfaction = satisfaction ?? .unspecified
        $0.text = text
        $0.note = note
      }
    }
  }
}

/// Recording an outcome is a step on the invitation, answered with the invitation as it now
/// stands.
extension Invitation: StepRecord {
  typealias Client = RatingServiceClient
  static var argument: ArgumentHelp {
    ArgumentHelp("Invitation id (the case number followed by -INV).", valueName: "invitation-id")
  }

  static func brief(_ invitation: Self) { RatingInvitationCommand.show(invitation) }
}
