import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HallAuth
import HallCalendar
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import SupervisionService

typealias SupervisionClient = Hall_Supervision_V1_SupervisionService.Client<
  HTTP2ClientTransport.Posix
>
typealias RatingClient = Hall_Rating_V1_RatingService.Client<HTTP2ClientTransport.Posix>

/// The hall of IntakeFixture with rating and supervision beside it, supervision fed by the
/// catalog's, intake's and rating's feeds. Its timer is driven by the tests (`pass(at:)`),
/// so that cards are checked at chosen instants.
struct SupervisionFixture {
  let hall: IntakeFixture
  let rating: RatingClient
  let supervision: SupervisionClient
  let supervisionService: TestService

  static let region = IntakeFixture.region
  static let departmentAdmin = TestKeys.signer.token(
    .departmentAdmin, "admin-scjg", department: "scjg")

  static func with(_ body: (SupervisionFixture) async throws -> Void) async throws {
    try await IntakeFixture.with { hall in
      // Rating and supervision consume each other's feeds: supervision's port is chosen first,
      // and chosen again in the rare case another listener of the test process took it
      // meanwhile (the body has not run then). Timer passes are the tests' own (`pass(at:)`).
      for attempt in 1... {
        do {
          return try await with(hall, supervisionPort: try freePort(), body)
        } catch  where attempt < 3 && "\(error)".contains("Address already in use") {
          continue
        }
      }
    }
  }

  private static func with(
    _ hall: IntakeFixture, supervisionPort: Int, _ body: (SupervisionFixture) async throws -> Void
  ) async throws {
    try await hall.withRating(supervisionPort: supervisionPort) { ratingService in
      try await hall.withSupervision(
        rating: ratingService, port: supervisionPort, timerIntervalSeconds: 3600
      ) { supervisionService in
        try await ServiceClient.with(host: "127.0.0.1", port: ratingService.port, token: nil) {
          ratingConnection in
          try await ServiceClient.with(
            host: "127.0.0.1", port: supervisionService.port, token: nil
          ) { connection in
            let fixture = SupervisionFixture(
              hall: hall, rating: RatingClient(wrapping: ratingConnection),
              supervision: SupervisionClient(wrapping: connection),
              supervisionService: supervisionService)
            try await body(fixture)
          }
        }
      }
    }
  }

  func count(_ sql: String) async throws -> Int64 {
    try await supervisionService.database.withClient { client in
      try await client.query(PostgresQuery(unsafeSQL: sql)).collect()[0].decode(Int64.self)
    }
  }

  /// Runs the timer as of `instant`.
  @discardableResult
  func pass(at instant: Date) async throws -> Int {
    let rules = {
      var rules = SupervisionRules()
      rules.regionCode = Self.region
      return rules
    }()
    return try await supervisionService.database.withClient { client in
      try await SupervisionTimer(
        client: client, rules: rules, calendars: CalendarSource(), clock: hall.clock.wallClock,
        logger: Logger(label: "test-timer")
      ).pass(now: instant)
    }
  }

  /// Waits until supervision's record of the case is in `state` (intake's numbering).
  func supervised(_ caseNumber: String, state: Hall_Intake_V1_CaseState) async throws
    -> Hall_Supervision_V1_SupervisedCase
  {
    try await eventually(seconds: 30) {
      let stored = try await count(
        "SELECT count(*) FROM cases WHERE case_number = '\(caseNumber)'")
      guard stored == 1 else { return false }
      return try await getCase(caseNumber).state == Int32(state.rawValue)
    }
    return try await getCase(caseNumber)
  }

  func getCase(_ caseNumber: String) async throws -> Hall_Supervision_V1_SupervisedCase {
    try await supervision.getCase(.with { $0.caseNumber = caseNumber }, metadata: People.supervisor)
  }

  func anomalies(of caseNumber: String) async throws -> [Hall_Supervision_V1_Anomaly] {
    try await supervision.listAnomalies(
      .with { $0.caseNumber = caseNumber }, metadata: People.supervisor
    ).anomalies
  }

  /// Reports cases as a supervisor admitting late records.
  func report(_ cases: [Hall_Supervision_V1_CaseReport]) async throws
    -> Hall_Supervision_V1_ReportCasesResponse
  {
    try await supervision.reportCases(
      .with {
        $0.requestID = UUID().uuidString
        $0.cases = cases
        $0.admitLate = true
      }, metadata: People.supervisor)
  }

  /// An instant written in China Standard Time, e.g. "2026-10-09T17:00:00".
  static func cst(_ text: String) -> Date {
    CaseReports.parseTime(text + "+08:00")!
  }

  static func stamp(_ text: String) -> Google_Protobuf_Timestamp { .init(date: cst(text)) }

  /// A promised case of the market regulator's item, accepted and completed as given.
  static func promised(
    _ number: String, received: String, accepted: String, completed: String? = nil,
    delivered: String? = nil, state: Int32 = 3, item: String = IntakeFixture.promisedItem,
    department: String = "scjg", days: Int32 = 5
  ) -> Hall_Supervision_V1_CaseReport {
    .with {
      $0.caseNumber = number
      $0.itemCode = item
      $0.departmentID = department
      $0.windowID = "W03"
      $0.staffID = "clerk-01"
      $0.state = state
      $0.caseKind = .promised
      $0.promisedWorkingDays = days
      $0.receiveTime = stamp(received)
      $0.acceptTime = stamp(accepted)
      if let completed { $0.completionTime = stamp(completed) }
      if let delivered { $0.deliveryTime = stamp(delivered) }
    }
  }
}
