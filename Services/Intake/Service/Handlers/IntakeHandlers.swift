import Foundation
import GRPCCore
import HallCalendar
import HallContracts
import HallDatabase
import HallServer

/// The intake contract's handlers (INT-1 to INT-12): each checks its request, reads through
/// the stores and the catalog replica, asks the domain, and hands the writes back to
/// ``ServiceContext/change(_:_:transaction:_:)``, which runs a changing call once per request
/// id (REL-1).
struct IntakeHandlers: IntakeContract.SimpleServiceProtocol {
  let service: ServiceContext
  let rules: IntakeRules

  /// Loads and locks one case, changes it, and stores it with the step's timeline entry and
  /// event as the call's answer; `body` makes the change and returns its step.
  func changeCase(
    _ requestID: String, _ context: ServerContext, case caseNumber: String,
    _ body: (inout Case, Database, Date) async throws -> CaseStep
  ) async throws -> Case {
    try await service.change(requestID, context) { db in
      var kase = try await CaseStore(db: db).lock(caseNumber)
      let wasFinal = kase.state.isFinal
      let now = service.clock.now
      let step = try await body(&kase, db, now)
      let event = kase.trace(step, now: now)
      // A case from a deployment below that this step finished: the reply goes down with it.
      let reply = Referrals.reply(to: kase, wasFinal: wasFinal, at: now)
      return try CaseStore.saving(kase, isNew: false, events: [event] + [reply].compactMap { $0 })
    }
  }
}

/// One page of a listing read with one row more than the page holds: that row tells that
/// another page follows, whose token is the page's last key.
struct Page<Item> {
  var items: [Item]
  var nextToken = ""

  init(_ rows: [Item], size: Int, key: (Item) -> String) {
    items = Array(rows.prefix(size))
    if rows.count > size { nextToken = Paging.token(after: items.last.map(key)) }
  }
}
