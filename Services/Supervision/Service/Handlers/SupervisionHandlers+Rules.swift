import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import SwiftProtobuf

/// The rules (SUP-3) and the score model (SUP-8) as data an operator changes through the
/// contract; every change is kept in the audit trail.
extension SupervisionHandlers {
  func listRules(request: ListRulesRequest, context: ServerContext) async throws
    -> ListRulesResponse
  {
    let book = try await service.read { try await RuleStore(db: $0).book() }
    return .with { $0.rules = book.ordered }
  }

  func updateRule(request: UpdateRuleRequest, context: ServerContext) async throws -> Rule {
    let rule = try RuleBook.updated(
      by: request, subject: try Caller.required().subject, at: service.clock.now)
    return try await service.change(request.requestID, context) { db in
      try await Audit.record(
        "update_rule", target: rule.code, detail: try rule.jsonString(), on: db)
      return Change(rule, statement: try RuleStore.put(rule))
    }
  }

  func getScoreModel(request: GetScoreModelRequest, context: ServerContext) async throws
    -> ScoreModel
  {
    try await service.read { try await ScoreModelStore(db: $0).current() }
  }

  func setScoreModel(request: SetScoreModelRequest, context: ServerContext) async throws
    -> ScoreModel
  {
    try ScoreModels.validate(request.terms)
    let principal = try Caller.required()
    return try await service.change(request.requestID, context) { db in
      let current = try await ScoreModelStore(db: db).current()
      let model = ScoreModel.with {
        $0.version = current.version + 1
        $0.terms = request.terms
        $0.updateTime = .init(date: service.clock.now)
        $0.updatedBy = principal.subject
      }
      try await Audit.record(
        "set_score_model", target: "v\(model.version)", detail: try model.jsonString(),
        on: db)
      return Change(model, statement: try ScoreModelStore.insert(model))
    }
  }
}
