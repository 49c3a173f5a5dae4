import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import RatingService

typealias RatingClient = Hall_Rating_V1_RatingService.Client<HTTP2ClientTransport.Posix>

/// The hall of IntakeFixture with a rating service fed by intake's and the catalog's feeds.
struct RatingFixture {
  let hall: IntakeFixture
  let rating: RatingClient
  let ratingService: TestService

  static func with(_ body: (RatingFixture) async throws -> Void) async throws {
    try await IntakeFixture.with { hall in
      try await hall.withRating { ratingService in
        try await ServiceClient.with(host: "127.0.0.1", port: ratingService.port, token: nil) {
          connection in
          try await body(
            RatingFixture(
              hall: hall, rating: RatingClient(wrapping: connection), ratingService: ratingService))
        }
      }
    }
  }

  /// A case of the on-the-spot item taken to delivery, as rating's replica sees it.
  func finishedCase(applicant: Hall_Intake_V1_Applicant = IntakeFixture.zhang) async throws
    -> Hall_Intake_V1_Case
  {
    var kase = try await hall.submit(
      item: IntakeFixture.spotItem, provided: ["s1"], applicant: applicant)
    kase = try await hall.accept(kase)
    kase = try await hall.issue(kase)
    kase = try await hall.deliver(kase)
    try await replicated(kase.caseNumber, finished: true)
    return kase
  }

  /// Waits until rating's replica has the case in the given finished state.
  func replicated(_ caseNumber: String, finished: Bool) async throws {
    try await eventually(seconds: 30) {
      try await ratingService.database.withClient { client in
        try await client.query(
          "SELECT finished FROM cases WHERE case_number = \(caseNumber)"
        ).collect().first?.decode(Bool.self) == finished
      }
    }
  }

  func rate(
    _ caseNumber: String, _ satisfaction: Hall_Rating_V1_Satisfaction,
    as caller: Metadata = People.zhang, second: Bool = false
  ) async throws -> Hall_Rating_V1_Rating {
    try await rating.submitRating(
      .with {
        $0.requestID = UUID().uuidString
        $0.caseNumber = caseNumber
        $0.satisfaction = satisfaction
        $0.channel = .windowDevice
        $0.text = satisfaction.rawValue >= 4 ? "等候时间太长" : "办事快"
        $0.secondEvaluation = second
      }, metadata: caller)
  }
}
