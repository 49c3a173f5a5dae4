import ArgumentParser
import HallContracts
import SwiftProtobuf

struct RatingBadReviewCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bad-review",
    abstract: "The bad-review loop [差评整改]: visit back, classify, rectify, check, feed back.",
    discussion: """
      The department that handled the case (approver or department_admin token) visits \
      back, classifies, rectifies, gives feedback, or appeals; a supervisor checks the \
      rectification and decides appeals. Each step has a working-day deadline.

      Example flow:
        hallctl rating bad-review list --open
        hallctl rating bad-review return-visit HL-SCJG-002-20260928-0001-R1 --note "电话回访，嫌等候久"
        hallctl rating bad-review classify HL-SCJG-002-20260928-0001-R1 --class fix-at-once
        hallctl rating bad-review rectify HL-SCJG-002-20260928-0001-R1 --investigation … \\
          --handling … --measures … --result …
        hallctl rating bad-review check HL-SCJG-002-20260928-0001-R1 --passed
        hallctl rating bad-review feedback HL-SCJG-002-20260928-0001-R1 --feedback "已增开窗口"
      """,
    subcommands: [
      List.self, Get.self, ReturnVisit.self, Classify.self, Rectify.self, Check.self,
      Feedback.self, Appeal.self, DecideAppeal.self,
    ])

  static func full(_ review: BadReview) {
    let rating = review.rating
    let rectification = review.rectification
    Output.fields([
      ("bad review", review.id), ("state", Format.state(review.state)),
      ("case", rating.caseNumber), ("department", review.departmentID),
      (
        "rating",
        "\(rating.satisfaction.rawValue) \(Format.state(rating.satisfaction)) \(rating.text)"
      ),
      ("handled at", Format.place(rating.hallID, rating.windowID, rating.staffID)),
      ("return visit due", Format.time(review.returnVisitDue)),
      (
        "return visit",
        review.hasReturnVisitTime
          ? "\(Format.time(review.returnVisitTime)) \(review.returnVisitOnTime ? "on time" : "late"): \(review.returnVisitNote)"
          : ""
      ),
      ("class", Format.state(review.`class`)),
      ("ledger deadline", Format.time(review.ledgerDeadline)),
      ("closing due", Format.time(review.rectificationDue)),
      ("investigation", rectification.investigation), ("handling", rectification.handling),
      ("measures", rectification.measures), ("result", rectification.result),
      ("failed checks", review.qualityFailures == 0 ? "" : "\(review.qualityFailures)"),
      ("feedback", review.feedback),
      (
        "closed",
        review.hasClosedTime
          ? "\(Format.time(review.closedTime)) \(review.closedOnTime ? "on time" : "late")" : ""
      ),
      (
        "appeal",
        review.appealGround == .unspecified
          ? "" : "\(Format.state(review.appealGround)): \(review.appealReason)"
      ),
    ])
    Output.history(
      review.history.map {
        [Format.time($0.time), $0.action, Format.state($0.state), $0.actor, $0.note]
      })
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List bad reviews and the deadlines of their loops.",
      discussion: """
        A department's staff see their own; a supervisor names a department or sees all.

        Example: hallctl rating bad-review list --open
        """)

    @OptionGroup var connection: RatingConnection

    @Flag(help: "Only open loops (not closed, not void).") var open = false

    @Option(help: "Department id (supervisors).") var department = ""

    @OptionGroup var page: PageOptions

    func run() async throws {
      try await connection.list(page, { try await $0.listBadReviews($1) }, Self.table) {
        $0.openOnly = open
        $0.departmentID = department
      }
    }

    static func table(_ listing: ListBadReviewsResponse) {
      Output.table(
        ["bad review", "department", "state", "satisfaction", "visit due", "closing due"],
        listing.badReviews.map {
          [
            $0.id, $0.departmentID, Format.state($0.state), Format.state($0.rating.satisfaction),
            Format.time($0.returnVisitDue), Format.time($0.rectificationDue),
          ]
        })
    }
  }

  struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a bad review: the rating, every step of its loop and their deadlines.",
      discussion: "Example: hallctl rating bad-review get HL-SCJG-002-20260928-0001-R1")

    @OptionGroup var connection: RatingConnection

    @Argument(help: "Bad review id (the rating's id).") var id: String

    func run() async throws {
      try await connection.show(
        { try await $0.getBadReview(.with { $0.id = id }) },
        RatingBadReviewCommand.full)
    }
  }
}

// MARK: - The steps of the loop

/// The bad review a loop step acts on, and the key that makes repeating it safe.
typealias BadReviewTarget = StepTarget<BadReview>

/// Every step of the loop answers with the review as it now stands.
extension BadReview: StepRecord {
  typealias Client = RatingServiceClient
  static var argument: ArgumentHelp {
    ArgumentHelp(
      "Bad review id (the rating's id, e.g. HL-SCJG-002-20260928-0001-R1).", valueName: "id")
  }

  static func brief(_ review: Self) {
    let last = review.history.last
    Output.fields([
      ("bad review", review.id), ("state", Format.state(review.state)),
      ("department", review.departmentID), ("closing due", Format.time(review.rectificationDue)),
      ("last step", last.map { "\($0.action) by \($0.actor) \(Format.time($0.time))" } ?? ""),
    ])
  }
}

extension RatingBadReviewCommand {
  struct ReturnVisit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "return-visit", abstract: "Record the return visit to the applicant [回访].")

    @OptionGroup var target: BadReviewTarget

    @Option(help: "What the applicant said.") var note: String

    func run() async throws {
      try await target.change({ try await $0.recordReturnVisit($1) }) {
        $0.note = note
      }
    }
  }

  struct Classify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Classify: fix at once, enter in the ledger with a deadline, or explain.",
      discussion: """
        Example: hallctl rating bad-review classify HL-SCJG-002-20260928-0001-R1 \\
          --class ledger --days 10
        """)

    @OptionGroup var target: BadReviewTarget

    @Option(name: .customLong("class"), values: { "\($0)." }) var kind: BadReviewClass

    @Option(help: "For ledger: working days to rectify, from now.") var days: Int32 = 0

    func run() async throws {
      try await target.change({ try await $0.classifyBadReview($1) }) {
        $0.`class` = kind
        $0.ledgerWorkingDays = days
      }
    }
  }

  struct Rectify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record the rectification [整改记录]; all four parts are required.")

    @OptionGroup var target: BadReviewTarget

    @Option(help: "What the investigation found.") var investigation: String

    @Option(help: "How the case was handled.") var handling: String

    @Option(help: "Measures taken so it does not recur.") var measures: String

    @Option(help: "The result.") var result: String

    func run() async throws {
      try await target.change({ try await $0.recordRectification($1) }) {
        $0.rectification = .with {
          $0.investigation = investigation
          $0.handling = handling
          $0.measures = measures
          $0.result = result
        }
      }
    }
  }

  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check the rectification's quality; a failure sends it back to the department.",
      discussion: """
        Needs a supervisor's token.

        Example: hallctl rating bad-review check HL-SCJG-002-20260928-0001-R1 --failed \\
          --comment "整改措施不具体"
        """)

    enum Quality: String, EnumerableFlag {
      case passed, failed
    }

    @OptionGroup var target: BadReviewTarget

    @Flag(help: "The verdict.") var quality: Quality

    @Option(help: "Why (required when failed).") var comment = ""

    func run() async throws {
      try await target.change({ try await $0.checkRectification($1) }) {
        $0.passed = quality == .passed
        $0.comment = comment
      }
    }
  }

  struct Feedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record the feedback given to the applicant; this closes the loop.")

    @OptionGroup var target: BadReviewTarget

    @Option(help: "What the applicant was told.") var feedback: String

    func run() async throws {
      try await target.change({ try await $0.giveFeedback($1) }) {
        $0.feedback = feedback
      }
    }
  }

  struct Appeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Appeal a bad review as mistaken or malicious [申诉复核].",
      discussion: """
        Example: hallctl rating bad-review appeal HL-SCJG-002-20260928-0001-R1 \\
          --ground mistaken --reason "申请人来电称误点差评，录音 0928-17"
        """)

    @OptionGroup var target: BadReviewTarget

    @Option(values: { "\($0)." }) var ground: AppealGround

    @Option(help: "Why, with the evidence.") var reason: String

    func run() async throws {
      try await target.change({ try await $0.appealBadReview($1) }) {
        $0.ground = ground
        $0.reason = reason
      }
    }
  }

  struct DecideAppeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "decide-appeal",
      abstract: "Uphold an appeal (the review is void, out of the figures) or reject it.",
      discussion: "Needs a supervisor's token.")

    @OptionGroup var target: BadReviewTarget
    @OptionGroup var decision: AppealDecisionOptions

    func run() async throws {
      try await target.change({ try await $0.decideAppeal($1) }, decision.apply)
    }
  }
}
