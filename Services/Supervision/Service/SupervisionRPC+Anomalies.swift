import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// Anomalies (SUP-3), manual entries and their judgement (SUP-4), appeals (SUP-5) and
/// follow-up until closed, with red cards handed on for sanction (SUP-6).
extension SupervisionRPC {
  typealias Anomaly = Hall_Supervision_V1_Anomaly

  func getAnomaly(
    request: Hall_Supervision_V1_GetAnomalyRequest, context: ServerContext
  ) async throws -> Anomaly {
    let anomaly = try await db.withConnection { connection in
      try await AnomalyStore.load(request.id, forUpdate: false, on: connection, logger: logger)
    }
    try Self.visibleDepartmentOf(record: anomaly.departmentID)
    return anomaly
  }

  func listAnomalies(
    request: Hall_Supervision_V1_ListAnomaliesRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ListAnomaliesResponse {
    let department = try Self.visibleDepartment(asked: request.departmentID)
    let size = try Paging.size(request.pageSize, default: 50, max: 500)
    let after = try Paging.afterKey(request.pageToken) ?? ""
    let from = try Self.instant(request.raisedFrom, field: "raised_from")
    let to = try Self.instant(request.raisedTo, field: "raised_to")
    let category = Int16(request.category.rawValue)
    let signal = Int16(request.signal.rawValue)
    let state = Int16(request.state.rawValue)
    let rows = try await db.query(
      """
      SELECT id, body FROM anomalies
      WHERE id > \(after)
        AND (\(department) = '' OR department_id = \(department))
        AND (\(request.regionCode) = '' OR region_code = \(request.regionCode))
        AND (\(request.caseNumber) = '' OR case_number = \(request.caseNumber))
        AND (\(request.ruleCode) = '' OR rule_code = \(request.ruleCode))
        AND (\(category) = 0 OR category = \(category))
        AND (\(signal) = 0 OR signal = \(signal))
        AND (\(state) = 0 OR state = \(state))
        AND (\(from)::timestamptz IS NULL OR raise_time >= \(from))
        AND (\(to)::timestamptz IS NULL OR raise_time < \(to))
      ORDER BY id LIMIT \(size + 1)
      """, logger: logger
    ).collect()
    var response = Hall_Supervision_V1_ListAnomaliesResponse()
    for row in rows.prefix(size) {
      response.anomalies.append(try Anomaly(bytea: try row.decode((String, ByteBuffer).self).1))
    }
    if rows.count > size {
      response.nextPageToken = Paging.token(after: response.anomalies.last?.id)
    }
    return response
  }

  func recordManualEntry(
    request: Hall_Supervision_V1_RecordManualEntryRequest, context: ServerContext
  ) async throws -> Anomaly {
    guard (1...6).contains(request.source.rawValue) else {
      throw ServiceError.invalidArgument(
        field: "source",
        message: "must be a complaint (phone, web, SMS), media, instruction or inspection")
    }
    try Text.require(request.summary, field: "summary", max: 2000)
    try Text.require(request.evidence, field: "evidence", max: 1000)
    if request.caseNumber.isEmpty {
      try Text.require(request.departmentID, field: "department_id", max: 40)
    }
    let principal = try Self.caller
    return try await once(request.requestID, "RecordManualEntry") { connection in
      let now = clock.now
      var anomaly = Anomaly.with {
        $0.ruleCode = RuleBook.Code.manual
        $0.state = .pendingJudgement
        $0.manualSource = request.source
        $0.summary = request.summary
        $0.evidence = [request.evidence]
        $0.recordedBy = principal.subject
        $0.raiseTime = .init(date: now)
        $0.updateTime = .init(date: now)
        $0.hallID = request.hallID
        $0.windowID = request.windowID
        $0.staffID = request.staffID
        $0.departmentID = request.departmentID
      }
      if !request.caseNumber.isEmpty {
        guard
          let stored = try await CaseLedger.load(
            request.caseNumber, on: connection, logger: logger)
        else {
          throw ServiceError.invalidArgument(
            field: "case_number", message: "supervision has no case \(request.caseNumber)")
        }
        let kase = stored.kase
        anomaly.caseNumber = kase.caseNumber
        anomaly.departmentID = kase.departmentID
        anomaly.regionCode = kase.regionCode
        if anomaly.hallID.isEmpty { anomaly.hallID = kase.hallID }
        if anomaly.windowID.isEmpty { anomaly.windowID = kase.windowID }
        if anomaly.staffID.isEmpty { anomaly.staffID = kase.staffID }
      } else {
        let rows = try await connection.query(
          "SELECT region_code FROM departments WHERE id = \(request.departmentID)", logger: logger
        ).collect()
        guard let row = rows.first else {
          throw ServiceError.invalidArgument(
            field: "department_id", message: "no department \(request.departmentID)")
        }
        anomaly.regionCode = try row.decode(String.self)
      }
      let number = try await connection.query(
        "SELECT nextval('manual_entry_numbers')", logger: logger
      ).collect()[0].decode(Int64.self)
      anomaly.id = "M-\(number)"
      try await AnomalyStore.insert(anomaly, on: connection, logger: logger)
      try await Audit.record(
        "record_manual_entry", target: anomaly.id, detail: "\(request.source)", on: connection,
        logger: logger)
      return anomaly
    }
  }

  func judgeManualEntry(
    request: Hall_Supervision_V1_JudgeManualEntryRequest, context: ServerContext
  ) async throws -> Anomaly {
    try Text.require(request.judgement, field: "judgement", max: 2000)
    if request.anomalous {
      guard (1...5).contains(request.category.rawValue) else {
        throw ServiceError.invalidArgument(field: "category", message: "is required for an anomaly")
      }
      guard request.signal == .yellow || request.signal == .red else {
        throw ServiceError.invalidArgument(field: "signal", message: "must be YELLOW or RED")
      }
    }
    return try await change(request.requestID, "JudgeManualEntry", request.id, "judged") {
      anomaly, now, connection in
      guard anomaly.state == .pendingJudgement else {
        throw ServiceError.failedPrecondition(
          "anomaly \(anomaly.id) is not waiting for a judgement")
      }
      anomaly.judgement = request.judgement
      if request.anomalous {
        let calendar = try await calendars.calendar(on: connection, logger: logger)
        anomaly.state = .open
        anomaly.category = request.category
        anomaly.signal = request.signal
        anomaly.raiseTime = .init(date: now)
        anomaly.appealDue = try AnomalyStore.appealDue(
          raisedAt: now, calendar: calendar, policy: policy)
      } else {
        anomaly.state = .removed
      }
    }
  }

  func appealAnomaly(
    request: Hall_Supervision_V1_AppealAnomalyRequest, context: ServerContext
  ) async throws -> Anomaly {
    try Text.require(request.reason, field: "reason", max: 2000)
    let principal = try Self.caller
    return try await change(request.requestID, "AppealAnomaly", request.id, "appealed") {
      anomaly, now, _ in
      guard principal.departmentID == anomaly.departmentID else {
        throw ServiceError.permissionDenied(
          "only staff of department \(anomaly.departmentID) may appeal anomaly \(anomaly.id)")
      }
      guard !anomaly.hasAppeal else {
        throw ServiceError.failedPrecondition("anomaly \(anomaly.id) was already appealed once")
      }
      guard anomaly.state == .open else {
        throw ServiceError.failedPrecondition(
          "anomaly \(anomaly.id) cannot be appealed in state \(anomaly.state)")
      }
      let due = try Days.civil(anomaly.appealDue, field: "appeal_due")
      guard Days.today(now: now) <= due else {
        throw ServiceError.failedPrecondition(
          "the appeal window of anomaly \(anomaly.id) closed on \(due) (\(policy.appealWorkingDays) working days after it was raised)"
        )
      }
      anomaly.appeal = .with {
        $0.reason = request.reason
        $0.time = .init(date: now)
        $0.appealedBy = principal.subject
      }
      anomaly.state = .appealed
    }
  }

  func decideAppeal(
    request: Hall_Supervision_V1_DecideAppealRequest, context: ServerContext
  ) async throws -> Anomaly {
    try Text.require(request.reason, field: "reason", max: 2000)
    let principal = try Self.caller
    return try await change(request.requestID, "DecideAppeal", request.id, "appeal_decided") {
      anomaly, now, _ in
      guard anomaly.state == .appealed, !anomaly.appeal.decided else {
        throw ServiceError.failedPrecondition("anomaly \(anomaly.id) has no appeal to decide")
      }
      anomaly.appeal.decided = true
      anomaly.appeal.upheld = request.uphold
      anomaly.appeal.decisionReason = request.reason
      anomaly.appeal.decisionTime = .init(date: now)
      anomaly.appeal.decidedBy = principal.subject
      anomaly.state = request.uphold ? .removed : .open
    }
  }

  func recordFollowUp(
    request: Hall_Supervision_V1_RecordFollowUpRequest, context: ServerContext
  ) async throws -> Anomaly {
    try Text.require(request.note, field: "note", max: 2000)
    if request.kind == .handedOver {
      try Text.require(request.to, field: "to", max: 200)
    } else if !request.to.isEmpty {
      throw ServiceError.invalidArgument(field: "to", message: "is only for HANDED_OVER")
    }
    let principal = try Self.caller
    let isSupervisor = principal.role == .supervisor
    switch request.kind {
    case .corrected where isSupervisor:
      throw ServiceError.permissionDenied("the department reports its own correction")
    case .urged, .closed, .handedOver, .disposed:
      guard isSupervisor else {
        throw ServiceError.permissionDenied("\(request.kind) is recorded by a supervisor")
      }
    case .corrected:
      break
    default:
      throw ServiceError.invalidArgument(
        field: "kind", message: "must be URGED, CORRECTED, CLOSED, HANDED_OVER or DISPOSED")
    }
    return try await change(request.requestID, "RecordFollowUp", request.id, "followed_up") {
      anomaly, now, _ in
      let kinds = anomaly.followUps.map(\.kind)
      switch request.kind {
      case .corrected:
        guard principal.departmentID == anomaly.departmentID else {
          throw ServiceError.permissionDenied(
            "only staff of department \(anomaly.departmentID) report its correction")
        }
        guard anomaly.state == .open else {
          throw ServiceError.failedPrecondition("anomaly \(anomaly.id) is not open")
        }
      case .urged:
        guard anomaly.state == .open || anomaly.state == .appealed else {
          throw ServiceError.failedPrecondition("anomaly \(anomaly.id) is not open")
        }
      case .closed:
        guard anomaly.state == .open, kinds.contains(.corrected) else {
          throw ServiceError.failedPrecondition(
            "anomaly \(anomaly.id) is closed after the department reports its correction")
        }
        anomaly.state = .closed
      case .handedOver:
        guard anomaly.signal == .red, AnomalyStore.counts(anomaly.state) else {
          throw ServiceError.failedPrecondition("only a counted red card is handed on for sanction")
        }
        guard !kinds.contains(.handedOver) else {
          throw ServiceError.failedPrecondition("anomaly \(anomaly.id) was already handed over")
        }
      default:
        guard kinds.contains(.handedOver), !kinds.contains(.disposed) else {
          throw ServiceError.failedPrecondition(
            "a disposition follows a hand-over and is recorded once")
        }
      }
      anomaly.followUps.append(
        .with {
          $0.kind = request.kind
          $0.note = request.note
          $0.to = request.to
          $0.time = .init(date: now)
          $0.recordedBy = principal.subject
        })
    }
  }

  /// One idempotent change of an anomaly: load under lock, check access, apply, store,
  /// announce, audit.
  func change(
    _ requestID: String, _ method: String, _ id: String, _ action: String,
    _ body: (inout Anomaly, Date, PostgresConnection) async throws -> Void
  ) async throws -> Anomaly {
    try await once(requestID, method) { connection in
      let old = try await AnomalyStore.load(id, forUpdate: true, on: connection, logger: logger)
      try Self.visibleDepartmentOf(record: old.departmentID)
      let now = clock.now
      var anomaly = old
      try await body(&anomaly, now, connection)
      anomaly.updateTime = .init(date: now)
      try await AnomalyStore.update(
        anomaly, from: old, action: action, at: now, on: connection, logger: logger)
      try await Audit.record(action, target: id, on: connection, logger: logger)
      return anomaly
    }
  }
}
