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

/// The rules (SUP-3) and the score model (SUP-8) as data an operator changes through the
/// contract; every change is kept in the audit trail.
extension SupervisionRPC {
  func listRules(
    request: Hall_Supervision_V1_ListRulesRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ListRulesResponse {
    let book = try await db.withConnection { try await RuleBook.load(on: $0, logger: logger) }
    return .with { $0.rules = book.ordered }
  }

  func updateRule(
    request: Hall_Supervision_V1_UpdateRuleRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_Rule {
    guard let base = RuleBook.defaults.first(where: { $0.code == request.code }) else {
      throw ServiceError.invalidArgument(
        field: "code",
        message:
          "no rule \(request.code); rules: \(RuleBook.defaults.map(\.code).joined(separator: ", "))"
      )
    }
    guard (1...5).contains(request.category.rawValue) else {
      throw ServiceError.invalidArgument(field: "category", message: "is required")
    }
    guard request.signal == .yellow || request.signal == .red else {
      throw ServiceError.invalidArgument(field: "signal", message: "must be YELLOW or RED")
    }
    guard Set(request.parameters.keys) == Set(base.parameters.keys) else {
      throw ServiceError.invalidArgument(
        field: "parameters",
        message:
          "rule \(request.code) takes exactly: \(base.parameters.keys.sorted().joined(separator: ", "))"
      )
    }
    for (name, value) in request.parameters {
      if let range = RuleBook.parameterRanges[name], !range.contains(value) {
        throw ServiceError.invalidArgument(
          field: "parameters[\(name)]",
          message: "must be from \(range.lowerBound) to \(range.upperBound)")
      }
    }
    let principal = try Self.caller
    return try await once(request.requestID, "UpdateRule") { connection in
      var rule = base
      rule.enabled = request.enabled
      rule.category = request.category
      rule.signal = request.signal
      rule.parameters = request.parameters
      rule.updateTime = .init(date: clock.now)
      rule.updatedBy = principal.subject
      try await connection.query(
        """
        INSERT INTO rules (code, body) VALUES (\(rule.code), \(try rule.bytea()))
        ON CONFLICT (code) DO UPDATE SET body = excluded.body
        """, logger: logger)
      try await Audit.record(
        "update_rule", target: rule.code, detail: try rule.jsonString(), on: connection,
        logger: logger)
      return rule
    }
  }

  func getScoreModel(
    request: Hall_Supervision_V1_GetScoreModelRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ScoreModel {
    try await db.withConnection { try await ScoreModels.current(on: $0, logger: logger) }
  }

  func setScoreModel(
    request: Hall_Supervision_V1_SetScoreModelRequest, context: ServerContext
  ) async throws -> Hall_Supervision_V1_ScoreModel {
    try ScoreModels.validate(request.terms)
    let principal = try Self.caller
    return try await once(request.requestID, "SetScoreModel") { connection in
      let current = try await ScoreModels.current(on: connection, logger: logger)
      let model = Hall_Supervision_V1_ScoreModel.with {
        $0.version = current.version + 1
        $0.terms = request.terms
        $0.updateTime = .init(date: clock.now)
        $0.updatedBy = principal.subject
      }
      try await connection.query(
        "INSERT INTO score_models (version, body) VALUES (\(Int(model.version)), \(try model.bytea()))",
        logger: logger)
      try await Audit.record(
        "set_score_model", target: "v\(model.version)", detail: try model.jsonString(),
        on: connection, logger: logger)
      return model
    }
  }
}
