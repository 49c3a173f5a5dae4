import Foundation
import HallContracts
import HallServer
import SwiftProtobuf

/// The anomaly rules (SUP-3) as data: the service knows each rule's logic, the deployment
/// decides whether it is on, its category, its signal and its parameters. Stored rows
/// override the defaults below; a rule never stored is in force as documented in
/// resources.proto.
struct RuleBook: Sendable {
  enum Code {
    static let overdue = "OVERDUE"
    static let stepOverdue = "STEP_OVERDUE"
    static let refusalWithoutReason = "REFUSAL_WITHOUT_REASON"
    static let windowWait = "WINDOW_WAIT"
    static let excessVisits = "EXCESS_VISITS"
    static let feeNotPerStandard = "FEE_NOT_PER_STANDARD"
    static let ratingDissatisfied = "RATING_DISSATISFIED"
    static let attitudeBad = "ATTITUDE_BAD"
    /// Manual entries judged anomalous carry this code.
    static let manual = "MANUAL"
  }

  static let defaults: [Rule] = [
    rule(Code.overdue, "超期办结 overdue", .timeliness, .red),
    rule(
      Code.stepOverdue, "环节超时 step past its limit", .timeliness, .yellow,
      ["acceptance_working_days": 5, "delivery_working_days": 10]),
    rule(Code.refusalWithoutReason, "不予受理/不予许可无理由 refusal without a reason", .process, .red),
    rule(Code.windowWait, "窗口等待超时 window wait", .process, .yellow, ["max_wait_minutes": 30]),
    rule(Code.excessVisits, "跑动次数超承诺 more visits than promised", .process, .yellow),
    rule(Code.feeNotPerStandard, "未按标准收费 fee not per the standard", .fees, .red),
    rule(
      Code.ratingDissatisfied, "评价不满意 rating dissatisfied", .content, .yellow, ["min_code": 4]),
    rule(Code.attitudeBad, "服务态度差 attitude bad", .integrity, .yellow),
  ]

  /// Each parameter's allowed range.
  static let parameterRanges: [String: ClosedRange<Int64>] = [
    "acceptance_working_days": 1...60, "delivery_working_days": 1...60,
    "max_wait_minutes": 1...600, "min_code": 2...5,
  ]

  private static func rule(
    _ code: String, _ name: String, _ category: RuleCategory, _ signal: Signal,
    _ parameters: [String: Int64] = [:]
  ) -> Rule {
    .with {
      $0.code = code
      $0.name = name
      $0.category = category
      $0.signal = signal
      $0.enabled = true
      $0.parameters = parameters
    }
  }

  var rules: [String: Rule]

  var ordered: [Rule] { Self.defaults.compactMap { rules[$0.code] } }

  /// The rule when it is on.
  func enabled(_ code: String) -> Rule? {
    guard let rule = rules[code], rule.enabled else { return nil }
    return rule
  }

  func parameter(_ code: String, _ name: String) -> Int64 {
    rules[code]?.parameters[name] ?? Self.defaults.first { $0.code == code }?.parameters[name] ?? 0
  }

  /// The book of `stored` rules over the defaults.
  init(stored: [Rule]) {
    var rules = Dictionary(uniqueKeysWithValues: Self.defaults.map { ($0.code, $0) })
    for rule in stored { rules[rule.code] = rule }
    self.rules = rules
  }

  /// A supervisor's change of one rule (SUP-3): a known rule, with a category, a signal and
  /// exactly its parameters, each within its range; the rule as changed.
  static func updated(by request: UpdateRuleRequest, subject: String, at now: Date)
    throws(ServiceError) -> Rule
  {
    guard let base = defaults.first(where: { $0.code == request.code }) else {
      throw .invalidArgument(
        field: "code",
        message: "no rule \(request.code); rules: \(defaults.map(\.code).joined(separator: ", "))")
    }
    guard (1...5).contains(request.category.rawValue) else {
      throw .invalidArgument(field: "category", message: "is required")
    }
    guard request.signal == .yellow || request.signal == .red else {
      throw .invalidArgument(field: "signal", message: "must be YELLOW or RED")
    }
    try checkParameters(request.parameters, of: base)
    var rule = base
    rule.enabled = request.enabled
    rule.category = request.category
    rule.signal = request.signal
    rule.parameters = request.parameters
    rule.updateTime = .init(date: now)
    rule.updatedBy = subject
    return rule
  }

  private static func checkParameters(_ parameters: [String: Int64], of base: Rule)
    throws(ServiceError)
  {
    guard Set(parameters.keys) == Set(base.parameters.keys) else {
      throw .invalidArgument(
        field: "parameters",
        message:
          "rule \(base.code) takes exactly: \(base.parameters.keys.sorted().joined(separator: ", "))"
      )
    }
    for (name, value) in parameters {
      if let range = parameterRanges[name], !range.contains(value) {
        throw .invalidArgument(
          field: "parameters[\(name)]",
          message: "must be from \(range.lowerBound) to \(range.upperBound)")
      }
    }
  }
}
