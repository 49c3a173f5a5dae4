import Foundation
import Synchronization

/// Tokens already verified, with their caller and expiry. A client sends the same token on
/// every call, and checking an Ed25519 signature and decoding the claims costs more than
/// many a handler; a token is immutable, so its verdict can be reused until it expires.
/// Bounded: when full it starts afresh, so a flood of distinct tokens cannot grow it.
final class VerifiedTokens: Sendable {
  private struct Entry {
    var principal: Principal
    var notBefore: Double
    var expiry: Double
  }

  private let entries = Mutex<[String: Entry]>([:])
  let capacity: Int

  init(capacity: Int = 10_000) {
    self.capacity = capacity
  }

  /// The caller of `token` if it was verified before and is still valid at `now`.
  func principal(of token: String, now: Date) -> Principal? {
    let seconds = now.timeIntervalSince1970
    return entries.withLock { entries in
      guard let entry = entries[token], entry.notBefore <= seconds, seconds < entry.expiry
      else { return nil }
      return entry.principal
    }
  }

  func remember(
    _ token: String, principal: Principal, validFrom notBefore: Double, until expiry: Double
  ) {
    entries.withLock { entries in
      if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
      entries[token] = Entry(principal: principal, notBefore: notBefore, expiry: expiry)
    }
  }
}
