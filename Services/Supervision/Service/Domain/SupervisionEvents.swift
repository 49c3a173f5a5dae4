import Foundation
import HallServer
import SwiftProtobuf

/// The events supervision announces on its feed (rating follows the anomalies): a case's
/// cards, and each step of an anomaly's life.
enum SupervisionEvent: String {
  case yellowCard = "supervision.card.yellow"
  case redCard = "supervision.card.red"
  case anomalyRaised = "supervision.anomaly.raised"
  case anomalyJudged = "supervision.anomaly.judged"
  case anomalyAppealed = "supervision.anomaly.appealed"
  case appealDecided = "supervision.anomaly.appeal_decided"
  case anomalyFollowedUp = "supervision.anomaly.followed_up"
  case anomalyRegraded = "supervision.anomaly.regraded"

  /// The audit trail's name for the change an anomaly event tells: its type's last part.
  var auditAction: String { String(rawValue.split(separator: ".").last ?? "") }

  /// The event about `aggregateID`, telling `payload` as of `instant`.
  func entry(_ aggregateID: String, _ payload: some Message, at instant: Date) -> Outbox.Entry {
    Outbox.Entry(type: rawValue, aggregateID: aggregateID, payload: payload, at: instant)
  }
}

/// The actions of a reported case's timeline, named as intake's timeline names them.
enum TimelineAction: String {
  case received, accepted, refused, withdrawn, decided, delivered
}
