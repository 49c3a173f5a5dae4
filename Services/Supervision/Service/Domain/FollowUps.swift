import Foundation
import HallAuth
import HallContracts
import HallServer
import SwiftProtobuf

/// Follow-up of an anomaly until it is closed (SUP-5, SUP-6): a supervisor urges, closes,
/// hands a red card on for sanction and records its disposition; the department reports its
/// correction.
enum FollowUps {
  /// A follow-up's own fields, and whether the caller's role records its kind.
  static func check(_ request: RecordFollowUpRequest, by principal: Principal)
    throws(ServiceError)
  {
    try Text.require(request.note, field: "note", max: 2000)
    if request.kind == .handedOver {
      try Text.require(request.to, field: "to", max: 200)
    } else if !request.to.isEmpty {
      throw .invalidArgument(field: "to", message: "is only for HANDED_OVER")
    }
    let isSupervisor = principal.role == .supervisor
    switch request.kind {
    case .corrected where isSupervisor:
      throw .permissionDenied("the department reports its own correction")
    case .urged, .closed, .handedOver, .disposed:
      guard isSupervisor else {
        throw .permissionDenied("\(request.kind) is recorded by a supervisor")
      }
    case .corrected:
      break
    default:
      throw .invalidArgument(
        field: "kind", message: "must be URGED, CORRECTED, CLOSED, HANDED_OVER or DISPOSED")
    }
  }

  /// Records the follow-up on `anomaly` when its state allows it; closing closes it.
  static func record(
    _ request: RecordFollowUpRequest, on anomaly: inout Anomaly, by principal: Principal,
    at now: Date
  ) throws(ServiceError) {
    try allowed(request.kind, on: anomaly, by: principal)
    if request.kind == .closed { anomaly.state = .closed }
    anomaly.followUps.append(
      .with {
        $0.kind = request.kind
        $0.note = request.note
        $0.to = request.to
        $0.time = .init(date: now)
        $0.recordedBy = principal.subject
      })
  }

  /// Whether a follow-up of `kind` may follow what `anomaly` has had.
  static func allowed(_ kind: FollowUpKind, on anomaly: Anomaly, by principal: Principal)
    throws(ServiceError)
  {
    let kinds = anomaly.followUps.map(\.kind)
    switch kind {
    case .corrected:
      guard principal.departmentID == anomaly.departmentID else {
        throw .permissionDenied(
          "only staff of department \(anomaly.departmentID) report its correction")
      }
      guard anomaly.state == .open else {
        throw .failedPrecondition("anomaly \(anomaly.id) is not open")
      }
    case .urged:
      guard anomaly.state == .open || anomaly.state == .appealed else {
        throw .failedPrecondition("anomaly \(anomaly.id) is not open")
      }
    case .closed:
      guard anomaly.state == .open, kinds.contains(.corrected) else {
        throw .failedPrecondition(
          "anomaly \(anomaly.id) is closed after the department reports its correction")
      }
    case .handedOver:
      guard anomaly.signal == .red, Anomalies.counts(anomaly.state) else {
        throw .failedPrecondition("only a counted red card is handed on for sanction")
      }
      guard !kinds.contains(.handedOver) else {
        throw .failedPrecondition("anomaly \(anomaly.id) was already handed over")
      }
    default:
      guard kinds.contains(.handedOver), !kinds.contains(.disposed) else {
        throw .failedPrecondition("a disposition follows a hand-over and is recorded once")
      }
    }
  }
}
