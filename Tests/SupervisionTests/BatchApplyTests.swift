import Foundation
import HallContracts
import HallDatabase
import HallServer
import HallTestSupport
import Logging
import PostgresNIO
import SwiftProtobuf
import Testing

@testable import SupervisionService

/// FED-3: a city catching up with a district applies intake's events a batch at a time
/// (``IntakeReplica/apply(batch:subscription:on:)``). Whatever the batches, supervision must
/// record what the events applied one by one record: the same cases, anomalies, figures and
/// announcements, a case met several times in one batch included.
@Suite("A batch of intake's feed records what its events one by one would (FED-3)")
struct BatchApplyTests {
  static let start = TestClock.start
  static let day: TimeInterval = 86400

  /// A day of four cases in event order: one decided far past its limit, delivered and met
  /// again, one refused, one whose served ticket shows a long wait, one on the spot delivered
  /// a day late.
  static func events() throws -> [FeedEvent] {
    var events: [FeedEvent] = []
    func add(_ type: String, _ message: some SwiftProtobuf.Message, id: String, at: Date) throws {
      events.append(
        try .with {
          $0.producer = "intake"
          $0.cursor = Int64(events.count + 1)
          $0.type = type
          $0.aggregateID = id
          $0.occurredAt = .init(date: at)
          $0.payload = try Google_Protobuf_Any(message: message)
        })
    }
    func kase(_ n: Int, spot: Bool = false, ticket: String = "") -> IntakeCase {
      .with {
        $0.caseNumber = "HL-SCJG-004-20261124-00000\(n)"
        $0.itemCode = "HL-SCJG-004"
        $0.itemName = "食品经营许可"
        $0.departmentID = "scjg"
        $0.hallID = "hl-hall"
        $0.windowID = "W01"
        $0.channel = .window
        $0.state = .received
        $0.category = spot ? .onTheSpot : .promised
        $0.caseKind = spot ? .onTheSpot : .promised
        $0.receiveTime = .init(date: start)
        $0.receivedBy = "clerk-01"
        $0.ticketID = ticket
        $0.maxVisits = 1
        $0.visits = [.with { $0.time = .init(date: start) }]
      }
    }
    func accept(_ kase: inout IntakeCase, days: Int32) {
      kase.state = .accepted
      kase.acceptTime = .init(date: start + 60)
      kase.acceptedBy = "clerk-01"
      kase.deadline = .with {
        $0.budgetWorkingDays = days
        $0.statutoryWorkingDays = 20
        $0.startTime = .init(date: start + 60)
        $0.dueTime = .init(date: start + 60 + Double(max(days, 1)) * 1.4 * day)
      }
    }
    func finish(_ kase: inout IntakeCase, at time: Date) {
      kase.decision = .with {
        $0.approved = true
        $0.time = .init(date: time)
        $0.decidedBy = "approver-scjg"
      }
      kase.state = .delivered
      kase.finishTime = .init(date: time)
    }

    var late = kase(1)
    try add("intake.case.received", late, id: late.caseNumber, at: start)
    accept(&late, days: 5)
    try add("intake.case.accepted", late, id: late.caseNumber, at: start + 60)
    var refused = kase(2)
    try add("intake.case.received", refused, id: refused.caseNumber, at: start)
    refused.state = .refused
    refused.category = .returned
    refused.refusal = .with {
      $0.reason = .conditionsNotMet
      $0.detail = "不具备经营场所"
      $0.time = .init(date: start + 120)
    }
    refused.finishTime = .init(date: start + 120)
    try add("intake.case.refused", refused, id: refused.caseNumber, at: start + 120)
    var waited = kase(3, ticket: "T-0003")
    accept(&waited, days: 5)
    try add("intake.case.accepted", waited, id: waited.caseNumber, at: start + 60)
    try add(
      "intake.ticket.served",
      Hall_Intake_V1_Ticket.with {
        $0.id = "T-0003"
        $0.caseNumber = waited.caseNumber
        $0.hallID = "hl-hall"
        $0.waitSeconds = 5400
        $0.state = .served
      }, id: "T-0003", at: start + 90)
    var spot = kase(4, spot: true)
    accept(&spot, days: 0)
    try add("intake.case.accepted", spot, id: spot.caseNumber, at: start + 60)
    finish(&spot, at: start + day)
    try add("intake.case.delivered", spot, id: spot.caseNumber, at: start + day)
    finish(&late, at: start + 20 * day)
    try add("intake.case.delivered", late, id: late.caseNumber, at: start + 20 * day)
    // Met again after its red card: judged anew, nothing is raised or counted twice.
    late.fees = [.with { $0.amountFen = 0 }]
    try add("intake.case.fee_recorded", late, id: late.caseNumber, at: start + 21 * day)
    return events
  }

  /// What supervision recorded, as rows of text in a stable order.
  static func record(of client: PostgresClient) async throws -> [String] {
    var lines: [String] = []
    for query: PostgresQuery in [
      """
      SELECT concat_ws('|', case_number, region_code, open, timeliness, anomalies, red_anomalies,
        next_check, md5(body)) FROM cases ORDER BY case_number
      """,
      "SELECT concat_ws('|', id, state, signal, counted) FROM anomalies ORDER BY id",
      """
      SELECT concat_ws('|', day, region_code, department_id, accepted, red_carded, warned,
        completed, completed_on_time, spot_completed, spot_same_day)
      FROM daily_figures ORDER BY day, region_code, department_id
      """,
      """
      SELECT concat_ws('|', event_type, aggregate_id, count(*)) FROM outbox
      GROUP BY event_type, aggregate_id ORDER BY event_type, aggregate_id
      """,
    ] {
      for row in try await client.query(query).collect() {
        lines.append(try row.decode(String.self))
      }
    }
    return lines
  }

  @Test("one by one, in one batch, and in batches of two: the same record")
  func sameRecord() async throws {
    let events = try Self.events()
    let replica = IntakeReplica(rules: SupervisionRules(), calendars: CalendarSource())
    let logger = Logger(label: "test.batch")
    let options = [
      "CATALOG_ADDR": "127.0.0.1:1", "INTAKE_ADDR": "127.0.0.1:1", "RATING_ADDR": "127.0.0.1:1",
      "TIMER_INTERVAL_SECONDS": "3600",
    ]
    var records: [[String]] = []
    for batchSize in [1, events.count, 2] {
      let service = try await TestService.start(Supervision.definition, options: options)
      do {
        let record = try await service.database.withClient { client in
          for start in stride(from: 0, to: events.count, by: batchSize) {
            let batch = Array(events[start..<min(start + batchSize, events.count)])
            try await client.withTransaction(logger: logger) { connection in
              let db = Database(connection, logger: logger)
              if batch.count == 1 {
                try await replica.apply(batch[0], on: db)
              } else {
                try await replica.apply(batch: batch, subscription: "intake", on: db)
              }
            }
          }
          return try await Self.record(of: client)
        }
        records.append(record)
        try await service.stop()
      } catch {
        try? await service.stop()
        throw error
      }
    }
    // Not an empty record: the late case and the long wait raised anomalies, cards were
    // announced, and the figures counted.
    #expect(records[0].contains { $0.hasPrefix("HL-SCJG-004-20261124-000001/") })
    #expect(records[0].contains { $0.hasPrefix("supervision.card.red|") })
    #expect(records[0].count > 10)
    #expect(records[1] == records[0])
    #expect(records[2] == records[0])
  }
}
