import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The rating service's contract (RAT-1 to RAT-6), one file an area: ratings, invitations,
/// the bad-review loop, marks and figures.
struct RatingHandlers: RatingContract.SimpleServiceProtocol {
  let service: ServiceContext
  let rules: RatingRules
  /// GB/T 2260 code of the deployment, carried on every rating record.
  let regionCode: String

  /// Settings: the rules' (``RatingRules/init(settings:)``), HALL_REGION_CODE.
  init(service: ServiceContext) throws {
    self.service = service
    rules = try RatingRules(settings: service.settings)
    regionCode = service.settings.options["REGION_CODE"] ?? ""
  }
}

/// A change's writes in their order, with the events that tell them. The last statement
/// goes to ``Idempotency`` with the answer, as one statement; any before it are sent first.
struct Writes {
  private var statements: [PostgresQuery] = []
  private var events: [Outbox.Entry] = []

  /// Adds a write that no event tells by itself.
  mutating func add(_ statement: PostgresQuery) {
    statements.append(statement)
  }

  /// Adds a write, if there is a statement to send, and its event.
  mutating func add(
    _ statement: PostgresQuery?, _ event: RatingEvent, about aggregateID: String,
    _ payload: some SwiftProtobuf.Message, at now: Date
  ) {
    if let statement { statements.append(statement) }
    events.append(.init(type: event.type, aggregateID: aggregateID, payload: payload, at: now))
  }

  /// Sends every write but the last, and hands the last back with `answer` and the events.
  func change<Answer>(_ answer: Answer, on db: Database) async throws -> Change<Answer> {
    for statement in statements.dropLast() { try await db.perform(statement) }
    return Change(answer, statement: statements.last, events: events)
  }
}
