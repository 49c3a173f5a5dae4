import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The anomalies supervision raises on cases, from supervision's feed (SUP-5): an applicant
/// may give a second evaluation within 10 working days of any anomaly on their case, not only
/// after a bad first rating. An anomaly that stops counting (an upheld appeal, judged none,
/// re-graded) no longer opens it.
struct SupervisionReplica {
  static let eventTypes = ["supervision.anomaly."]

  let db: Database

  /// Applies an anomaly event in the consumer's transaction.
  func apply(_ event: FeedEvent) async throws {
    let anomaly = try Anomaly(unpackingAny: event.payload)
    guard !anomaly.caseNumber.isEmpty else { return }
    if Rateability.opensSecondEvaluation(anomaly) {
      try await db.perform(
        """
        INSERT INTO case_anomalies (anomaly_id, case_number, raise_time)
        VALUES (\(anomaly.id), \(anomaly.caseNumber), \(anomaly.raiseTime.date))
        ON CONFLICT (anomaly_id) DO UPDATE SET raise_time = excluded.raise_time
        """)
    } else {
      try await db.perform("DELETE FROM case_anomalies WHERE anomaly_id = \(anomaly.id)")
    }
  }

  /// When the latest anomaly on the case was raised, if any.
  func latestAnomaly(on caseNumber: String) async throws -> Date? {
    try await db.value(
      Date?.self, "SELECT max(raise_time) FROM case_anomalies WHERE case_number = \(caseNumber)")
      ?? nil
  }
}
