import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// The city's intake as a district's intake follows it (FED-4): the city's replies to the
/// cases this district passed up, the only events of the city's feed addressed to it. A reply
/// applies once, to a case still waiting for it; one for a case this district does not have
/// is refused and parked.
struct CityIntake: Sendable {
  static let eventTypes = [Referrals.replyEventType]

  let service: ServiceContext

  func apply(_ event: FeedEvent, on db: Database) async throws {
    guard event.type == Referrals.replyEventType else { return }
    let reply = try Case(unpackingAny: event.payload)
    let region = service.identity.regionCode
    guard reply.passedFrom.regionCode == region else {
      throw ServiceError.failedPrecondition(
        "a reply for region \(Quote.brief(reply.passedFrom.regionCode)) is not for this deployment's (\(region))"
      )
    }
    let store = CaseStore(db: db)
    let (found, revision) = try await store.lockReadingCalendar(reply.passedFrom.caseNumber)
    guard found.state == .passedUp else { return }
    var kase = found
    let now = service.clock.now
    let step = try Referrals.receive(
      reply, into: &kase, now: now,
      calendar: try await service.calendar(revision: revision, on: db))
    let replied = kase.trace(step, now: now)
    try await store.save(kase, isNew: false, events: [replied])
  }
}
