import ArgumentParser
import HallContracts
import SwiftProtobuf

struct RatingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rating",
    abstract: "Ratings [好差评]: rate cases, invitations, bad reviews, marks, figures.",
    discussion: """
      Talks to the rating service ($HALL_RATING_ADDR, default 127.0.0.1:50053). An \
      applicant rates their own finished case; a supervisor works invitations, records marks, \
      checks rectifications, decides appeals and reads figures; an approver or \
      department_admin handles their department's bad reviews. Satisfaction is given by \
      name or by its GB/T 39046 code: 1 very-satisfied … 5 very-dissatisfied.
      """,
    subcommands: [
      Rate.self, List.self, RatingInvitationCommand.self, RatingBadReviewCommand.self,
      RatingMarkCommand.self, RatingFiguresCommand.self,
    ])

  static func table(_ ratings: [Hall_Rating_V1_Rating]) {
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

    @Option(
      help: "1–5 or \(ProtoEnum.choices(Hall_Rating_V1_Satisfaction.self)).",
      transform: ProtoEnum.parse)
    var satisfaction: Hall_Rating_V1_Satisfaction

    @Option(
      help: "Where it was given: \(ProtoEnum.choices(Hall_Rating_V1_RatingChannel.self)).",
      transform: ProtoEnum.parse)
    var channel: Hall_Rating_V1_RatingChannel = .pc

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
      let request = Hall_Rating_V1_ListRatingsRequest.with {
        $0.caseNumber = caseNumber
        $0.departmentID = department
        page.apply(to: &$0)
      }
      try await connection.show(
        { try await $0.listRatings(request) }
      ) { RatingCommand.table($0.ratings) }
    }
  }
}

extension Hall_Rating_V1_ListRatingsRequest: PagedRequest {}
extension Hall_Rating_V1_ListRatingsResponse: PagedResponse {}
extension Hall_Rating_V1_ListBadReviewsRequest: PagedRequest {}
extension Hall_Rating_V1_ListBadReviewsResponse: PagedResponse {}
extension Hall_Rating_V1_ListInvitationsRequest: PagedRequest {}
extension Hall_Rating_V1_ListInvitationsResponse: PagedResponse {}
extension Hall_Rating_V1_SubmitRatingRequest: KeyedRequest {}
extension Hall_Rating_V1_RecordInvitationOutcomeRequest: KeyedRequest {}
extension Hall_Rating_V1_RecordMarkRequest: KeyedRequest {}
