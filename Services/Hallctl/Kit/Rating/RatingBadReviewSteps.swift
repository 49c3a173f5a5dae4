import ArgumentParser
import HallContracts
import SwiftProtobuf

/// The bad review a loop step acts on, and the key that makes repeating it safe.
typealias BadReviewTarget = StepTarget<Hall_Rating_V1_BadReview>

/// Every step of the loop answers with the review as it now stands.
extension Hall_Rating_V1_BadReview: StepRecord {
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

/// A step on a bad review or an anomaly names it by its id.
protocol IdentifiedStepRequest: StepRequest {
  var id: String { get set }
}

extension IdentifiedStepRequest {
  package mutating func target(_ id: String) { self.id = id }
}

extension Hall_Rating_V1_RecordReturnVisitRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_ClassifyBadReviewRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_RecordRectificationRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_CheckRectificationRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_GiveFeedbackRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_AppealBadReviewRequest: IdentifiedStepRequest {}
extension Hall_Rating_V1_DecideAppealRequest: IdentifiedStepRequest {}

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

    @Option(
      name: .customLong("class"),
      help: "\(ProtoEnum.choices(Hall_Rating_V1_BadReviewClass.self)).",
      transform: ProtoEnum.parse)
    var kind: Hall_Rating_V1_BadReviewClass

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

  enum Quality: String, EnumerableFlag {
    case passed, failed
  }

  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check the rectification's quality; a failure sends it back to the department.",
      discussion: """
        Needs a supervisor's token.

        Example: hallctl rating bad-review check HL-SCJG-002-20260928-0001-R1 --failed \\
          --comment "整改措施不具体"
        """)

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

    @Option(
      help: "\(ProtoEnum.choices(Hall_Rating_V1_AppealGround.self)).", transform: ProtoEnum.parse)
    var ground: Hall_Rating_V1_AppealGround

    @Option(help: "Why, with the evidence.") var reason: String

    func run() async throws {
      try await target.change({ try await $0.appealBadReview($1) }) {
        $0.ground = ground
        $0.reason = reason
      }
    }
  }

  enum AppealVerdict: String, EnumerableFlag {
    case uphold, reject
  }

  struct DecideAppeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "decide-appeal",
      abstract: "Uphold an appeal (the review is void, out of the figures) or reject it.",
      discussion: "Needs a supervisor's token.")

    @OptionGroup var target: BadReviewTarget

    @Flag(help: "The decision.") var verdict: AppealVerdict

    @Option(help: "Why.") var reason: String

    func run() async throws {
      try await target.change({ try await $0.decideAppeal($1) }) {
        $0.uphold = verdict == .uphold
        $0.reason = reason
      }
    }
  }
}
