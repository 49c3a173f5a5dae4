import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// Refuses cases whose shortfall materials were not supplied by their deadline (Art. 36),
/// with the reason, and bars the applicant from shortfall acceptance for the deployment's
/// time. Several instances may run: each takes the expired cases no other one has locked.
final class ShortfallExpiry: Service {
  let client: PostgresClient
  let policy: IntakePolicy
  let calendars: CalendarSource
  let clock: WallClock
  let logger: Logger

  init(
    client: PostgresClient, policy: IntakePolicy, calendars: CalendarSource, clock: WallClock,
    logger: Logger
  ) {
    self.client = client
    self.policy = policy
    self.calendars = calendars
    self.clock = clock
    self.logger = logger
  }

  func run() async throws {
    while !Task.isCancelled {
      do {
        while try await sweep(now: clock.now) > 0 {}
      } catch  where !Task.isCancelled {
        logger.warning("shortfall expiry pass failed", metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: .seconds(policy.expiryIntervalSeconds))
    }
  }

  /// One pass over at most 100 expired cases; returns how many it refused.
  @discardableResult
  func sweep(now: Date) async throws -> Int {
    try await client.transaction(logger: logger) { connection in
      let rows = try await connection.query(
        """
        SELECT body FROM cases WHERE shortfall_deadline < \(now)
        ORDER BY shortfall_deadline LIMIT 100 FOR UPDATE SKIP LOCKED
        """, logger: logger
      ).collect()
      let today = Days.today(now: now)
      for row in rows {
        var kase = try Hall_Intake_V1_Case(bytea: try row.decode(ByteBuffer.self))
        let missing = kase.materials.filter { $0.status == .promised }.map(\.name)
        Acceptance.refuse(
          &kase, reason: .shortfallNotSupplied,
          detail: "容缺材料未在承诺期限内补齐：" + missing.joined(separator: "、"), by: "system",
          now: now)
        if policy.shortfallBanDays > 0 {
          let until = today.adding(days: policy.shortfallBanDays).dayNumber
          try await connection.query(
            """
            INSERT INTO shortfall_bans (applicant_id, until_day, case_number)
            VALUES (\(kase.applicant.idNumber), \(until), \(kase.caseNumber))
            ON CONFLICT (applicant_id) DO UPDATE
              SET until_day = greatest(shortfall_bans.until_day, excluded.until_day),
                case_number = excluded.case_number
            """, logger: logger)
        }
        try await CaseStore.record(
          &kase, action: "refused", note: kase.refusal.detail, on: connection, logger: logger,
          now: now)
      }
      return rows.count
    }
  }
}
