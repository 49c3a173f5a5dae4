import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

struct SupervisionFiguresCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "figures",
    abstract: "Accepted cases, red-card, on-time, same-day and satisfaction rates, anomalies.",
    discussion: """
      Over [from, to), days in China Standard Time, at most 366 days. Cases count on the day \
      they were accepted (red cards) or decided (on time, same day); ratings on the day of \
      the first rating; anomalies on the day raised. An anomaly removed by an appeal, a \
      judgement or a second evaluation counts nowhere. A rate with nothing to measure is \
      100%. A department's staff see their own department.

      Example: hallctl supervision figures --by department --from 2026-11-01 --to 2026-12-01
      """)

  @OptionGroup var connection: SupervisionConnection
  @OptionGroup var figures: FiguresOptions<SupervisionGrouping>

  @Option(help: "Only this department.") var department = ""

  @Option(help: "Only this region (GB/T 2260 code).") var region = ""

  func run() async throws {
    let request = SupervisionFiguresRequest.with {
      figures.apply(to: &$0)
      $0.departmentID = department
      $0.regionCode = region
    }
    try await connection.show({ try await $0.getFigures(request) }) {
      Output.table(
        [
          "group", "name", "accepted", "red-carded", "red-card rate", "warned", "completed",
          "on time", "same day", "ratings", "satisfaction", "anomalies", "by category",
        ],
        $0.rows.map {
          [
            $0.key.isEmpty ? "(all)" : $0.key, $0.name, "\($0.acceptedCases)",
            "\($0.redCardedCases)", $0.shownRedCardRate, "\($0.warnedCases)",
            "\($0.completedCases)", $0.shownOnTimeRate,
            $0.shownSameDayRate, "\($0.ratings)",
            $0.shownSatisfactionRate, "\($0.anomalies)",
            $0.anomaliesByCategory.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
              .joined(separator: ", "),
          ]
        })
    }
  }
}

struct SupervisionReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "The monthly report: every department (or region) scored and ranked.",
    discussion: """
      Needs a supervisor's token. Scores come from the score model in force (see \
      `hallctl supervision score-model get`); equal scores share a rank. The last line is \
      the whole deployment.

      Example: hallctl supervision report 2026-11 --by region
      """)

  @OptionGroup var connection: SupervisionConnection

  @Argument(help: "The month, yyyy-MM.") var month: String

  @Option(
    help: "One line per department (the default) or region.", transform: ProtoEnum.parse)
  var by: SupervisionGrouping = .department

  func run() async throws {
    let request = GetMonthlyReportRequest.with {
      $0.month = month
      $0.grouping = by
    }
    try await connection.show({ try await $0.getMonthlyReport(request) }) { report in
      Output.line("\(report.month), score model v\(report.model.version)")
      Output.line()
      let total = report.total
      Output.table(
        [
          "rank", "key", "name", "score", "accepted", "on time", "same day", "satisfaction",
          "red-card rate", "anomalies",
        ],
        report.lines.map { line in
          let row = line.figures
          return [
            "\(line.rank)", row.key, row.name, String(format: "%.2f", line.score),
            "\(row.acceptedCases)", row.shownOnTimeRate,
            row.shownSameDayRate, row.shownSatisfactionRate,
            row.shownRedCardRate, "\(row.anomalies)",
          ]
        }
          + [
            [
              "", "(all)", total.name, "", "\(total.acceptedCases)",
              total.shownOnTimeRate, total.shownSameDayRate,
              total.shownSatisfactionRate, total.shownRedCardRate,
              "\(total.anomalies)",
            ]
          ])
    }
  }
}

struct SupervisionLagsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lags",
    abstract: "How far behind each feed supervision follows is, a district's included.",
    discussion: """
      Needs a supervisor's token. One line per feed: this deployment's catalog, intake and \
      rating, and in a city each district's intake and rating (`intake@hualong-district`), \
      with the events it has not applied yet, the age of the newest applied event while \
      behind, the events parked because they could not be applied, and how long the \
      producer has been silent (an idle feed is heard from every second; a cut link grows).

      Example: hallctl supervision lags
      """)

  @OptionGroup var connection: SupervisionConnection

  func run() async throws {
    try await connection.show({ try await $0.listFeedLags(.init()) }) {
      Output.table(
        ["feed", "district", "region", "events behind", "seconds behind", "parked", "silent s"],
        $0.lags.map {
          [
            $0.subscription, $0.deployment, $0.regionCode, "\($0.eventsBehind)",
            String(format: "%.1f", $0.secondsBehind), "\($0.parkedEvents)",
            $0.hasSecondsSilent ? String(format: "%.1f", $0.secondsSilent) : "never",
          ]
        })
    }
  }
}
