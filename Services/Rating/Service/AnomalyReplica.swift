import Foundation
import HallCalendar
import HallContracts
import HallServer
import Logging
import PostgresNIO
import SwiftProtobuf

/// The anomalies supervision raises on cases, from supervision's feed (SUP-5): an applicant
/// may give a second evaluation within 10 working days of any anomaly on their case, not only
/// after a bad first rating. An anomaly that stops counting (an upheld appeal, judged none,
/// re-graded) no longer opens it.
enum AnomalyReplica {
  static let eventTypes = ["supervision.anomaly."]

  static func apply(
    _ event: Hall_Events_V1_Event, on connection: PostgresConnection, logger: Logger
  ) async throws {
    let anomaly = try Hall_Supervision_V1_Anomaly(unpackingAny: event.payload)
    guard !anomaly.caseNumber.isEmpty else { return }
    switch anomaly.state {
    case .open, .appealed, .closed:
      try await connection.query(
        """
        INSERT INTO case_anomalies (anomaly_id, case_number, raise_time)
        VALUES (\(anomaly.id), \(anomaly.caseNumber), \(anomaly.raiseTime.date))
        ON CONFLICT (anomaly_id) DO UPDATE SET raise_time = excluded.raise_time
        """, logger: logger)
    default:
      try await connection.query(
        "DELETE FROM case_anomalies WHERE anomaly_id = \(anomaly.id)", logger: logger)
    }
  }

  /// When the latest anomaly on the case was raised, if any.
  static func latest(
    on caseNumber: String, connection: PostgresConnection, logger: Logger
  ) async throws -> Date? {
    let rows = try await connection.query(
      "SELECT max(raise_time) FROM case_anomalies WHERE case_number = \(caseNumber)",
      logger: logger
    ).collect()
    return try rows.first?.decode(Date?.self)
  }
}
