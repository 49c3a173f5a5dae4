import Foundation
import HallCalendar
import HallContracts
import HallServer
import Logging
import ServiceLifecycle

/// Refuses cases whose shortfall materials were not supplied by their deadline (Art. 36),
/// with the reason, and bars the applicant from shortfall acceptance for the deployment's
/// time. Several instances may run: each takes the expired cases no other one has locked.
final class ShortfallExpiry: Service {
  let service: ServiceContext
  let rules: IntakeRules

  init(_ service: ServiceContext, rules: IntakeRules) {
    self.service = service
    self.rules = rules
  }

  func run() async throws {
    try await Passes.repeatUntilCancelled(
      every: .seconds(rules.expiryIntervalSeconds), logger: service.logger,
      failure: "shortfall expiry pass failed"
    ) { try await sweep(now: service.clock.now) }
  }

  /// One pass over at most 100 expired cases; returns how many it refused.
  @discardableResult
  func sweep(now: Date) async throws -> Int {
    try await service.transaction { db in
      let cases = try await CaseStore(db: db).lockExpiredShortfalls(before: now, limit: 100)
      let banEnd = rules.shortfallBanEnd(from: Days.today(now: now))
      for var kase in cases {
        let step = Acceptance.expireShortfall(&kase, now: now)
        if let banEnd {
          try await ShortfallBanStore(db: db).bar(
            kase.applicant.idNumber, until: banEnd, caseNumber: kase.caseNumber)
        }
        let event = kase.trace(step, now: now)
        try await CaseStore(db: db).save(kase, isNew: false, events: [event])
      }
      return cases.count
    }
  }
}
