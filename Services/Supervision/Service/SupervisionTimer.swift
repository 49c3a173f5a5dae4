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

/// Raises what falls due as time passes (SUP-2, SUP-3): warnings, red cards and step limits
/// of cases no event touches. Each case keeps the instant of its next check, so a pass reads
/// only the cases due now, whatever the number of open ones. Several instances may run: each
/// takes the cases no other one has locked.
final class SupervisionTimer: Service {
  let client: PostgresClient
  let policy: SupervisionPolicy
  let calendars: CalendarSource
  let clock: WallClock
  let logger: Logger

  init(
    client: PostgresClient, policy: SupervisionPolicy, calendars: CalendarSource,
    clock: WallClock, logger: Logger
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
        let started = ContinuousClock.now
        let checked = try await pass(now: clock.now)
        if checked > 0 {
          logger.info(
            "timer pass",
            metadata: ["cases": "\(checked)", "took": "\(ContinuousClock.now - started)"])
        }
      } catch  where !Task.isCancelled {
        logger.warning("timer pass failed", metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: .seconds(policy.timerIntervalSeconds))
    }
  }

  /// Judges every case whose next check is due at `now`, in batches; returns how many.
  @discardableResult
  func pass(now: Date) async throws -> Int {
    var total = 0
    while true {
      let checked = try await batch(now: now)
      total += checked
      if checked < policy.timerBatchSize { return total }
    }
  }

  func batch(now: Date) async throws -> Int {
    try await client.transaction(logger: logger) { connection in
      let rows = try await connection.query(
        """
        SELECT body, red_anomalies FROM cases WHERE next_check <= \(now)
        ORDER BY next_check LIMIT \(policy.timerBatchSize) FOR UPDATE SKIP LOCKED
        """, logger: logger
      ).collect()
      guard !rows.isEmpty else { return 0 }
      let ledger = try await CaseLedger.prepare(
        policy: policy, calendars: calendars, on: connection, logger: logger)
      let evidence = "timer \(CaseRules.text(now))"
      let outcomes = try rows.map { row in
        let (body, red) = try row.decode((ByteBuffer, Int).self)
        let old = CaseLedger.Stored(
          kase: try Hall_Supervision_V1_SupervisedCase(bytea: body), redAnomalies: red)
        return try ledger.judge(
          old.kase, old: old, refusalReason: nil, evidence: evidence, at: now)
      }
      try await ledger.write(outcomes, on: connection)
      return rows.count
    }
  }
}
