public import HallTestSupport
import PostgresNIO
import RatingService
import SupervisionService
import Testing

/// Rating and supervision beside the hall of IntakeFixture, started one way for every suite
/// that needs them.
extension IntakeFixture {
  public static let region = "410902"

  /// Rating fed by intake's and the catalog's feeds. It follows supervision's feed at
  /// `supervisionPort`; without one, at port 1, where nothing listens.
  public func withRating<Result: Sendable>(
    supervisionPort: Int? = nil, _ body: (TestService) async throws -> Result
  ) async throws -> Result {
    try await TestService.with(
      Rating.definition,
      options: [
        "INTAKE_ADDR": "127.0.0.1:\(intakeService.port)",
        "CATALOG_ADDR": "127.0.0.1:\(catalogService.port)", "REGION_CODE": Self.region,
        "SUPERVISION_ADDR": "127.0.0.1:\(supervisionPort ?? 1)",
      ], clock: clock.wallClock, body)
  }

  /// Supervision fed by the catalog, intake and `rating`, on `port` (0: any free one). `body`
  /// runs once its replica holds the hall's catalog: reported cases are checked against it.
  public func withSupervision<Result: Sendable>(
    rating: TestService, port: Int = 0, timerIntervalSeconds: Int,
    _ body: (TestService) async throws -> Result
  ) async throws -> Result {
    try await TestService.with(
      Supervision.definition, port: port,
      options: [
        "INTAKE_ADDR": "127.0.0.1:\(intakeService.port)",
        "CATALOG_ADDR": "127.0.0.1:\(catalogService.port)",
        "RATING_ADDR": "127.0.0.1:\(rating.port)", "REGION_CODE": Self.region,
        "TIMER_INTERVAL_SECONDS": "\(timerIntervalSeconds)",
      ], clock: clock.wallClock
    ) { supervision in
      try await eventually(seconds: 30) {
        try await supervision.database.withClient { client in
          let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM items)::int8, (SELECT count(*) FROM departments)::int8,
              (SELECT count(*) FROM calendar_years)::int8
            """
          ).collect()
          let (items, departments, years) = try rows[0].decode((Int64, Int64, Int64).self)
          return items >= 3 && departments >= 2 && years > 0
        }
      }
      return try await body(supervision)
    }
  }
}
