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

  static func full(_ review: Hall_Rating_V1_BadReview) {
    let rating = review.rating
    let rectification = review.rectification
    Output.fields([
      ("bad review", review.id), ("state", Format.state(review.state)),
      ("case", rating.caseNumber), ("department", review.departmentID),
      (
        "rating",
        "\(rating.satisfaction.rawValue) \(Format.state(rating.satisfaction)) \(rating.text)"
      ),
      (
        "handled at",
        [rating.hallID, rating.windowID, rating.staffID].filter { !$0.isEmpty }.joined(
          separator: "/")
      ),
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
    Output.line()
    Output.table(
      ["time", "action", "state", "by", "note"],
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
      let request = Hall_Rating_V1_ListBadReviewsRequest.with {
        $0.openOnly = open
        $0.departmentID = department
        page.apply(to: &$0)
      }
      try await connection.show(
        { try await $0.listBadReviews(request) }
      ) {
        Output.table(
          ["bad review", "department", "state", "satisfaction", "visit due", "closing due"],
          $0.badReviews.map {
            [
              $0.id, $0.departmentID, Format.state($0.state),
              Format.state($0.rating.satisfaction), Format.time($0.returnVisitDue),
              Format.time($0.rectificationDue),
            ]
          })
      }
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
