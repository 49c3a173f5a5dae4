import ArgumentParser
import HallContracts

struct SupervisionCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "supervision",
    abstract: "Supervision [电子监察]: cases and cards, anomalies, appeals, rules, figures, data.",
    discussion: ServiceEndpoint.supervision.discussion(
      """
      A supervisor reads everything, records and judges manual entries, decides appeals, \
      urges and closes, changes rules and the score model, and reads the monthly report; an \
      approver or department_admin reads their own department's cases and anomalies, appeals \
      them and reports corrections; a department_admin (or a supervisor) reports cases by \
      CSV or JSON. Rates are shown as percentages; instants in China Standard Time.
      """),
    subcommands: [
      SupervisionCaseCommand.self, SupervisionAnomalyCommand.self, SupervisionRulesCommand.self,
      SupervisionScoreModelCommand.self, SupervisionFiguresCommand.self,
      SupervisionReportCommand.self, SupervisionImportCommand.self,
      SupervisionReportCasesCommand.self, SupervisionExportCommand.self,
      SupervisionLagsCommand.self,
    ])
}

/// How anomalies read on a terminal.
enum AnomalyView {
  static func signal(_ anomaly: Anomaly) -> String {
    [Format.state(anomaly.category), Format.state(anomaly.signal)].filter { !$0.isEmpty }
      .joined(separator: "/")
  }

  static func table(_ anomalies: [Anomaly]) {
    Output.table(
      ["anomaly", "rule", "signal", "state", "case", "department", "raised", "summary"],
      anomalies.map {
        [
          $0.id, $0.ruleCode, signal($0), Format.state($0.state), $0.caseNumber,
          $0.departmentID, Format.time($0.raiseTime), $0.summary,
        ]
      })
  }

  static func brief(_ anomaly: Anomaly) {
    let last = anomaly.followUps.last
    Output.fields([
      ("anomaly", anomaly.id), ("rule", anomaly.ruleCode), ("signal", signal(anomaly)),
      ("state", Format.state(anomaly.state)), ("case", anomaly.caseNumber),
      ("department", anomaly.departmentID), ("appeal", appeal(anomaly)),
      ("appeal due", Format.date(anomaly.appealDue)),
      ("last follow-up", last.map { "\(Format.state($0.kind)) by \($0.recordedBy)" } ?? ""),
    ])
  }

  static func full(_ anomaly: Anomaly) {
    Output.fields([
      ("anomaly", anomaly.id), ("rule", anomaly.ruleCode), ("signal", signal(anomaly)),
      ("state", Format.state(anomaly.state)), ("case", anomaly.caseNumber),
      ("department", anomaly.departmentID), ("region", anomaly.regionCode),
      ("where", Format.place(anomaly.hallID, anomaly.windowID)),
      ("staff", anomaly.staffID), ("raised", Format.time(anomaly.raiseTime)),
      ("summary", anomaly.summary),
      ("source", Format.state(anomaly.manualSource)), ("recorded by", anomaly.recordedBy),
      ("judgement", anomaly.judgement),
      ("regraded to", anomaly.regradedTo == 0 ? "" : "\(anomaly.regradedTo)"),
      ("appeal due", Format.date(anomaly.appealDue)),
      ("appeal", appeal(anomaly)),
      (
        "appealed",
        anomaly.hasAppeal
          ? "\(Format.time(anomaly.appeal.time)) by \(anomaly.appeal.appealedBy): "
            + anomaly.appeal.reason : ""
      ),
      (
        "decided",
        anomaly.appeal.decided
          ? "\(Format.time(anomaly.appeal.decisionTime)) by \(anomaly.appeal.decidedBy): "
            + anomaly.appeal.decisionReason : ""
      ),
    ])
    Output.line()
    Output.table(["evidence"], anomaly.evidence.map { [$0] })
    if !anomaly.followUps.isEmpty {
      Output.line()
      Output.table(
        ["time", "follow-up", "by", "to", "note"],
        anomaly.followUps.map {
          [Format.time($0.time), Format.state($0.kind), $0.recordedBy, $0.to, $0.note]
        })
    }
  }

  static func appeal(_ anomaly: Anomaly) -> String {
    guard anomaly.hasAppeal else { return "" }
    guard anomaly.appeal.decided else { return "pending" }
    return anomaly.appeal.upheld ? "upheld" : "rejected"
  }
}
