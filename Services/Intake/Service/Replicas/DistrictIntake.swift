import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// A district's intake as its city's intake follows it (FED-4): the cases the district passes
/// up, each taken once as a case of the city's own, under the city's version of the item.
/// A case the city cannot take (its item is not in force in the city's catalog) is answered
/// with the reason and nothing is stored; a case of another region, or passed to another
/// deployment, is refused and parked.
struct DistrictIntake: Sendable {
  static let eventTypes = [CaseAction.passedUp.eventType]

  let district: DeploymentIdentity.Neighbour
  let service: ServiceContext

  func apply(_ event: FeedEvent, on db: Database) async throws {
    guard event.type == CaseAction.passedUp.eventType else { return }
    let passed = try Case(unpackingAny: event.payload)
    try DistrictLink(district).check(passed.caseNumber, "case")
    let city = service.identity.name
    guard passed.state == .passedUp, passed.passedTo.deployment == city else {
      throw ServiceError.failedPrecondition(
        "case \(passed.caseNumber) is not passed up to \(city) (state \(passed.state), to \(Quote.brief(passed.passedTo.deployment)))"
      )
    }
    let store = CaseStore(db: db)
    guard try await !store.exists(passedFrom: "\(district.regionCode)/\(passed.caseNumber)")
    else { return }
    let now = service.clock.now
    let submission = try await CatalogReplica(db: db).submission(
      passed.itemCode, on: Days.today(now: now))
    let version: ItemVersion
    do {
      version = try submission.standing.version(of: passed.itemCode)
    } catch {
      let detail = "\(city): \(error.rpcErrorMessage)"
      try await Outbox.append(
        [Referrals.refusal(of: passed, from: district, detail: detail, now: now)], on: db)
      return
    }
    let number = Receipt.caseNumber(
      prefix: service.identity.idPrefix, itemCode: version.itemCode, at: now,
      sequence: submission.sequence)
    var (kase, step) = try Referrals.take(
      passed, from: district, version: version, caseNumber: number, now: now,
      calendar: try await service.calendar(revision: submission.calendarRevision, on: db))
    let received = kase.trace(step, now: now)
    try await store.save(kase, isNew: true, events: [received])
  }
}
