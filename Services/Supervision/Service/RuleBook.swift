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

/// The anomaly rules (SUP-3) as data: the service knows each rule's logic, the deployment
/// decides whether it is on, its category, its signal and its parameters. Stored rows
/// override the defaults below; a rule never stored is in force as documented in
/// resources.proto.
struct RuleBook: Sendable {
  typealias Rule = Hall_Supervision_V1_Rule

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
    _ code: String, _ name: String, _ category: Hall_Supervision_V1_RuleCategory,
    _ signal: Hall_Supervision_V1_Signal, _ parameters: [String: Int64] = [:]
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

  static func load(on connection: PostgresConnection, logger: Logger) async throws -> RuleBook {
    var rules = Dictionary(uniqueKeysWithValues: defaults.map { ($0.code, $0) })
    for try await body in try await connection.query("SELECT body FROM rules", logger: logger)
      .decode(ByteBuffer.self)
    {
      let rule = try Rule(bytea: body)
      rules[rule.code] = rule
    }
    return RuleBook(rules: rules)
  }
}
