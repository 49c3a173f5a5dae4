import ArgumentParser
import HallContracts
import SwiftProtobuf

struct RatingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rating",
    abstract: "Ratings [好差评]: rate cases, invitations, bad reviews, marks, figures.",
    discussion: ServiceEndpoint.rating.discussion(
      """
      An applicant rates their own finished case; a supervisor works invitations, records \
      marks, checks rectifications, decides appeals and reads figures; an approver or \
      department_admin handles their department's bad reviews. Satisfaction is given by \
      name or by its GB/T 39046 code: 1 very-satisfied … 5 very-dissatisfied.
      """),
    subcommands: [
      Rate.self, List.self, RatingInvitationCommand.self, RatingBadReviewCommand.self,
      RatingMarkCommand.self, RatingFiguresCommand.self,
    ])

  static func table(_ ratings: [Rating]) {
    Output.table(
      ["rating", "satisfaction", "channel", "department", "window", "staff", "time", "text"],
      ratings.map {
        [
          $0.id + ($0.void ? " (void)" : ""),
          "\($0.satisfaction.rawValue) \(Format.state($0.satisfaction))",
          Format.state($0.channel), $0.departmentID,
          $0.windowID.isEmpty ? "" : "\($0.hallID)/\($0.windowID)", $0.staffID,
          Format.time($0.time), $0.text,
        ]
      })
  }

  struct Rate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Rate a finished case, as its applicant.",
      discussion: """
        Needs the applicant's token. A case is rated once; --second gives the second \
        evaluation [二次评价] within 10 working days of a bad rating, kept beside the first.

        Example: hallctl rating rate HL-SCJG-004-20260928-0007 --satisfaction 1 --text 办事快
        """)

    @OptionGroup var change: RatingChange

    @Argument(help: "Case number.") var caseNumber: String

    @Option(values: { "1–5 or \($0)." }) var satisfaction: Satisfaction

    @Option(values: { "Where it was given: \($0)." }) var channel: RatingChannel = .pc

    @Option(help: "Words, up to 500 characters.") var text = ""

    @Flag(help: "A second evaluation.") var second = false

    func run() async throws {
      try await change.send({ try await $0.submitRating($1) }, { RatingCommand.table([$0]) }) {
        $0.caseNumber = caseNumber
        $0.satisfaction = satisfaction
        $0.channel = channel
        $0.text = text
        $0.secondEvaluation = second
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List ratings, by case or department.",
      discussion: """
        An applicant sees their own ratings; staff see what their role allows.

        Example: hallctl rating list --department scjg
        """)

    @OptionGroup var connection: RatingConnection

    @Option(name: .customLong("case"), help: "Only this case's ratings.") var caseNumber = ""

    @Option(help: "Only this department's ratings.") var department = ""

    @OptionGroup var page: PageOptions

    func run() async throws {
      try await connection.list(
        page, { try await $0.listRatings($1) }, { RatingCommand.table($0.ratings) }
      ) {
        $0.caseNumber = caseNumber
        $0.departmentID = department
      }
    }
  }
}

struct RatingMarkCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mark",
    abstract: "Record a bad attitude or environment mark, with its evidence.",
    discussion: """
      Needs a supervisor's token. Marks are good by default: only a bad one is recorded, \
      and it counts in the figures of the window, staff member and department.

      Example: hallctl rating mark --kind attitude --hall hl-hall --window W03 \\
        --staff clerk-01 --department scjg --evidence "投诉 12345-0928-001，录像 W03 10:12"
      """)

  @OptionGroup var change: RatingChange

  @Option(values: { "\($0)." }) var kind: MarkKind

  @OptionGroup var seenAt: WindowOptions

  @Option(help: "Staff id (required for attitude marks).") var staff = ""

  @Option(help: "Department id.") var department = ""

  @Option(help: "What was seen, and where the evidence is.") var evidence: String

  func run() async throws {
    try await change.send({ try await $0.recordMark($1) }, Self.show) {
      $0.mark = .with {
        $0.kind = kind
        $0.place(at: seenAt)
        $0.staffID = staff
        $0.departmentID = department
        $0.evidence = evidence
      }
    }
  }

  static func show(_ mark: Mark) {
    Output.fields([
      ("mark", mark.id), ("kind", Format.state(mark.kind)),
      ("where", Format.place(mark.hallID, mark.windowID)),
      ("staff", mark.staffID), ("department", mark.departmentID),
      ("evidence", mark.evidence),
      ("recorded", "\(Format.time(mark.time)) by \(mark.recordedBy)"),
    ])
  }
}

struct RatingFiguresCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "figures",
    abstract: "Satisfaction, active rating, linkage and on-time rectification rates.",
    discussion: """
      Needs a supervisor's token. Computed over cases finished in [from, to), days in \
      China Standard Time; void reviews count in none of the rates.

      Example: hallctl rating figures --by department --from 2026-09-01 --to 2026-10-01
      """)

  @OptionGroup var connection: RatingConnection
  @OptionGroup var figures: FiguresOptions<RatingGrouping>

  func run() async throws {
    try await connection.show({ try await $0.getFigures(.with(figures.apply)) }) {
      Output.table(
        [
          "group", "finished", "ratings", "good", "bad", "satisfaction", "active", "linked",
          "bad reviews due", "on time", "bad marks",
        ],
        $0.rows.map {
          [
            $0.key.isEmpty ? "(all)" : $0.key, "\($0.finishedCases)", "\($0.ratings)",
            "\($0.goodRatings)", "\($0.badRatings)", Format.percent($0.satisfactionRateBp),
            Format.percent($0.activeRatingRateBp), Format.percent($0.linkageCompletenessBp),
            "\($0.badReviewsDue)", Format.percent($0.onTimeRectificationRateBp), "\($0.badMarks)",
          ]
        })
    }
  }
}
