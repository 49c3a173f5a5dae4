import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

struct SupervisionRulesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rules",
    abstract: "The anomaly rules: whether each is on, its category, signal and parameters.",
    discussion: """
      The rules' logic is the service's; what an operator changes is data. Reading needs a \
      supervisor's, approver's or department_admin's token; changing a supervisor's.
      """,
    subcommands: [List.self, Update.self])

  static func parameters(_ rule: Rule) -> String {
    rule.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      .joined(separator: " ")
  }

  static func table(_ rules: [Rule]) {
    Output.table(
      ["rule", "name", "category", "signal", "on", "parameters", "updated"],
      rules.map {
        [
          $0.code, $0.name, Format.state($0.category), Format.state($0.signal),
          $0.enabled ? "yes" : "no", parameters($0),
          $0.updatedBy.isEmpty ? "" : "\(Format.time($0.updateTime)) by \($0.updatedBy)",
        ]
      })
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the rules as they are in force.",
      discussion: "Example: hallctl supervision rules list")

    @OptionGroup var connection: SupervisionConnection

    func run() async throws {
      try await connection.show({ try await $0.listRules(.init()) }) {
        SupervisionRulesCommand.table($0.rules)
      }
    }
  }

  struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change a rule: switch it on or off, its category, signal or parameters.",
      discussion: """
        Needs a supervisor's token. Only what is given changes: the rule is read first and \
        the rest kept as it is. Parameters by rule: STEP_OVERDUE acceptance_working_days, \
        delivery_working_days; WINDOW_WAIT max_wait_minutes; RATING_DISSATISFIED min_code.

        Examples:
          hallctl supervision rules update WINDOW_WAIT --param max_wait_minutes=45
          hallctl supervision rules update EXCESS_VISITS --disable
          hallctl supervision rules update ATTITUDE_BAD --signal red
        """)

    enum Switch: String, EnumerableFlag {
      case enable, disable
    }

    @OptionGroup var connection: SupervisionConnection
    @OptionGroup var write: WriteOptions

    @Argument(help: "Rule code, e.g. WINDOW_WAIT.") var code: String

    @Flag(help: "Switch the rule on or off.") var onOff: Switch?

    @Option(values: { "\($0)." }) var category: RuleCategory?

    @Option(values: { "\($0)." }) var signal: Signal?

    @Option(name: .customLong("param"), help: "A parameter as name=value (repeat per parameter).")
    var parameters: [String] = []

    func run() async throws {
      var changed: [String: Int64] = [:]
      for text in parameters {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let value = Int64(parts[1]) else {
          throw ValidationError(
            "--param wants name=whole number, e.g. max_wait_minutes=45; got \(text)")
        }
        changed[parts[0]] = value
      }
      try await connection.with { supervision in
        let rules = try await supervision.listRules(.init()).rules
        // An unknown code goes to the service as given, which names the rules there are.
        let current = rules.first { $0.code == code } ?? .with { $0.code = code }
        let rule = try await supervision.updateRule(
          .with {
            $0.requestID = write.id
            $0.code = code
            $0.enabled = onOff.map { $0 == .enable } ?? current.enabled
            $0.category = category ?? current.category
            $0.signal = signal ?? current.signal
            $0.parameters = current.parameters.merging(changed) { $1 }
          })
        try connection.present(rule) { SupervisionRulesCommand.table([$0]) }
      }
    }
  }
}

struct SupervisionScoreModelCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score-model",
    abstract: "The performance score model [绩效考核] the monthly report ranks by.",
    discussion: """
      A model is a list of terms, each a measure and the points it is worth at best: \
      on-time-rate, same-day-rate and satisfaction-rate score points × rate; red-card-rate \
      scores points × (1 − rate), and nothing above its target; anomalies-per-thousand \
      deducts its penalty per anomaly per 1 000 accepted cases. Each change makes a new \
      version. Reading needs a supervisor's, approver's or department_admin's token; \
      setting a supervisor's.
      """,
    subcommands: [Get.self, Set.self])

  static func show(_ model: ScoreModel) {
    Output.fields([
      ("version", "\(model.version)"),
      (
        "updated",
        model.updatedBy.isEmpty ? "" : "\(Format.time(model.updateTime)) by \(model.updatedBy)"
      ),
    ])
    Output.line()
    Output.table(
      ["measure", "points", "penalty", "target"],
      model.terms.map {
        [
          Format.state($0.measure), points($0.weight),
          $0.penaltyPoints == 0 ? "" : points($0.penaltyPoints),
          $0.targetBp == 0 ? "" : Format.percent($0.targetBp),
        ]
      })
  }

  static func points(_ value: Double) -> String { String(format: "%g", value) }

  struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the score model in force.",
      discussion: """
        --json prints it in the form `score-model set --file` reads.

        Example: hallctl supervision score-model get --json > model.json
        """)

    @OptionGroup var connection: SupervisionConnection

    func run() async throws {
      try await connection.show(
        { try await $0.getScoreModel(.init()) },
        SupervisionScoreModelCommand.show)
    }
  }

  struct Set: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Replace the score model with new terms, as a new version.",
      discussion: """
        Needs a supervisor's token. Give every term with --term (measure:points, then \
        :penalty=<points> or :target=<basis points, or a percentage such as 8%>), or a file \
        in the contract's JSON form of a ScoreModel (what `score-model get --json` prints).

        Examples:
          hallctl supervision score-model set --term on-time-rate:40 \\
            --term satisfaction-rate:30 --term red-card-rate:20:target=8% \\
            --term anomalies-per-thousand:10:penalty=2
          hallctl supervision score-model set --file model.json
        """)

    @OptionGroup var change: SupervisionChange

    @Option(name: .customLong("term"), help: "A term: measure:points[:penalty=..][:target=..].")
    var terms: [String] = []

    @Option(help: "A ScoreModel in the contract's JSON form.") var file: String?

    func validate() throws {
      guard terms.isEmpty != (file == nil) else {
        throw ValidationError("give the terms with --term, or a model with --file")
      }
    }

    func run() async throws {
      let given: [ScoreTerm]
      if let file {
        do {
          var options = JSONDecodingOptions()
          options.ignoreUnknownFields = true
          given = try ScoreModel(
            jsonUTF8Data: try Data(contentsOf: URL(fileURLWithPath: file)), options: options
          ).terms
        } catch {
          throw ValidationError("\(file): \(error)")
        }
      } else {
        given = try terms.map(Self.term)
      }
      try await change.send({ try await $0.setScoreModel($1) }, SupervisionScoreModelCommand.show) {
        $0.terms = given
      }
    }

    static func term(_ text: String) throws -> ScoreTerm {
      let parts = text.split(separator: ":").map(String.init)
      let usage = "--term wants measure:points[:penalty=..][:target=..], e.g. on-time-rate:40"
      guard parts.count >= 2, let weight = Double(parts[1]) else {
        throw ValidationError("\(usage); got \(text)")
      }
      var term = ScoreTerm()
      term.measure = try ProtoEnum.parse(parts[0])
      term.weight = weight
      for part in parts.dropFirst(2) {
        let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
        switch (pair.first, pair.count == 2 ? pair[1] : nil) {
        case ("penalty", let value?) where Double(value) != nil:
          term.penaltyPoints = Double(value)!
        case ("target", let value?) where value.hasSuffix("%") && Double(value.dropLast()) != nil:
          term.targetBp = Int32((Double(value.dropLast())! * 100).rounded())
        case ("target", let value?) where Int32(value) != nil:
          term.targetBp = Int32(value)!
        default:
          throw ValidationError("\(usage); cannot read \(part) in \(text)")
        }
      }
      return term
    }
  }
}
