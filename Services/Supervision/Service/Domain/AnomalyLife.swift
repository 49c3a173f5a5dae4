import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// An anomaly's life after it is raised: a manual entry and its judgement (SUP-4), the
/// appeal and its decision (SUP-5), follow-up until closed, and a red card handed on for
/// sanction (SUP-6). Who may take each step, in which state, and what it changes.
enum AnomalyLife {
  /// A manual entry's own fields (SUP-4).
  static func checkManualEntry(_ request: RecordManualEntryRequest) throws(ServiceError) {
    guard (1...6).contains(request.source.rawValue) else {
      throw .invalidArgument(
        field: "source",
        message: "must be a complaint (phone, web, SMS), media, instruction or inspection")
    }
    try Text.require(request.summary, field: "summary", max: 2000)
    try Text.require(request.evidence, field: "evidence", max: 1000)
    if request.caseNumber.isEmpty {
      try Text.require(request.departmentID, field: "department_id", max: 40)
    }
  }

  /// A manual entry recorded by `subject`, waiting for a supervisor's judgement; its id and
  /// the case or region it is on are set afterwards.
  static func manualEntry(_ request: RecordManualEntryRequest, by subject: String, at now: Date)
    -> Anomaly
  {
    .with {
      $0.ruleCode = RuleBook.Code.manual
      $0.state = .pendingJudgement
      $0.manualSource = request.source
      $0.summary = request.summary
      $0.evidence = [request.evidence]
      $0.recordedBy = subject
      $0.raiseTime = .init(date: now)
      $0.updateTime = .init(date: now)
      $0.hallID = request.hallID
      $0.windowID = request.windowID
      $0.staffID = request.staffID
      $0.departmentID = request.departmentID
    }
  }

  /// A manual entry on a case takes the case's place where the entry names none.
  static func attach(_ anomaly: inout Anomaly, to kase: SupervisedCase) {
    anomaly.caseNumber = kase.caseNumber
    anomaly.departmentID = kase.departmentID
    anomaly.regionCode = kase.regionCode
    if anomaly.hallID.isEmpty { anomaly.hallID = kase.hallID }
    if anomaly.windowID.isEmpty { anomaly.windowID = kase.windowID }
    if anomaly.staffID.isEmpty { anomaly.staffID = kase.staffID }
  }

  /// A judgement's own fields: an anomaly needs its category and signal.
  static func checkJudgement(_ request: JudgeManualEntryRequest) throws(ServiceError) {
    try Text.require(request.judgement, field: "judgement", max: 2000)
    guard request.anomalous else { return }
    guard (1...5).contains(request.category.rawValue) else {
      throw .invalidArgument(field: "category", message: "is required for an anomaly")
    }
    guard request.signal == .yellow || request.signal == .red else {
      throw .invalidArgument(field: "signal", message: "must be YELLOW or RED")
    }
  }

  static func awaitingJudgement(_ anomaly: Anomaly) throws(ServiceError) {
    guard anomaly.state == .pendingJudgement else {
      throw .failedPrecondition("anomaly \(anomaly.id) is not waiting for a judgement")
    }
  }

  /// Judged anomalous, the entry is raised now and may be appealed until `appealDue`;
  /// otherwise it is removed.
  static func judge(
    _ anomaly: inout Anomaly, _ request: JudgeManualEntryRequest, at now: Date,
    appealDue: ContractDate?
  ) {
    anomaly.judgement = request.judgement
    guard request.anomalous, let appealDue else {
      anomaly.state = .removed
      return
    }
    anomaly.state = .open
    anomaly.category = request.category
    anomaly.signal = request.signal
    anomaly.raiseTime = .init(date: now)
    anomaly.appealDue = appealDue
  }

  /// An appeal by the department's staff, once, while the anomaly is open and the appeal
  /// window is (SUP-5).
  static func appeal(
    _ anomaly: inout Anomaly, reason: String, by principal: Principal, at now: Date,
    rules: SupervisionRules
  ) throws(ServiceError) {
    guard principal.departmentID == anomaly.departmentID else {
      throw .permissionDenied(
        "only staff of department \(anomaly.departmentID) may appeal anomaly \(anomaly.id)")
    }
    guard !anomaly.hasAppeal else {
      throw .failedPrecondition("anomaly \(anomaly.id) was already appealed once")
    }
    guard anomaly.state == .open else {
      throw .failedPrecondition(
        "anomaly \(anomaly.id) cannot be appealed in state \(anomaly.state)")
    }
    let due = try Days.civil(anomaly.appealDue, field: "appeal_due")
    guard Days.today(now: now) <= due else {
      throw .failedPrecondition(
        "the appeal window of anomaly \(anomaly.id) closed on \(due) (\(rules.appealWorkingDays) working days after it was raised)"
      )
    }
    anomaly.appeal = .with {
      $0.reason = reason
      $0.time = .init(date: now)
      $0.appealedBy = principal.subject
    }
    anomaly.state = .appealed
  }

  /// A supervisor's decision on the appeal: upheld removes the anomaly, rejected reopens it.
  static func decideAppeal(
    _ anomaly: inout Anomaly, uphold: Bool, reason: String, by subject: String, at now: Date
  ) throws(ServiceError) {
    guard anomaly.state == .appealed, !anomaly.appeal.decided else {
      throw .failedPrecondition("anomaly \(anomaly.id) has no appeal to decide")
    }
    anomaly.appeal.decided = true
    anomaly.appeal.upheld = uphold
    anomaly.appeal.decisionReason = reason
    anomaly.appeal.decisionTime = .init(date: now)
    anomaly.appeal.decidedBy = subject
    anomaly.state = uphold ? .removed : .open
  }
}
