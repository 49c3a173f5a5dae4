import Foundation
import HallCalendar
import HallContracts
import HallServer
import HallctlKit
import SwiftProtobuf

/// The end of the day: the supervision figures the day produced, once supervision has heard
/// of every case.
extension DemoDay {
  func printFigures(waitSeconds: Double, json: Bool) async throws {
    try await waitForSupervision(seconds: waitSeconds)
    let today = clock.today
    let from = Days.proto(today.adding(days: -30))
    let to = Days.proto(today.adding(days: 1))
    let figures = try await supervision.getFigures(
      .with {
        $0.grouping = .department
        $0.from = from
        $0.to = to
      }, metadata: people.supervisor)
    let anomalies = try await supervision.listAnomalies(
      .with {
        $0.raisedFrom = from
        $0.raisedTo = to
      }, metadata: people.supervisor)
    if json {
      try Output.json(figures)
      return
    }
    Output.line("")
    Output.line("supervision figures, \(Format.date(from)) to \(Format.date(to)) (exclusive)")
    Self.figuresTable(figures.rows)
    Output.line("")
    Output.line("anomalies raised")
    Output.table(
      ["id", "rule", "signal", "department", "summary"],
      anomalies.anomalies.map {
        [$0.id, $0.ruleCode, ProtoEnum.name($0.signal), $0.departmentID, $0.summary]
      })
  }

  /// Supervision hears of the day through the feeds; wait until it has every case intake
  /// has, in the state intake has it, or until `seconds` have passed.
  func waitForSupervision(seconds: Double) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    var behind: [String] = []
    repeat {
      behind = []
      for kase in try await allCases() {
        let seen = try? await supervision.getCase(
          .with { $0.caseNumber = kase.caseNumber }, metadata: people.supervisor)
        if seen?.state != Int32(kase.state.rawValue) { behind.append(kase.caseNumber) }
      }
      if behind.isEmpty { break }
      try await Task.sleep(for: .milliseconds(500))
    } while Date() < deadline
    if !behind.isEmpty { step("supervision has not caught up with \(behind.count) cases yet") }
  }

  static func figuresTable(_ rows: [SupervisionFigureRow]) {
    Output.table(
      [
        "department", "accepted", "red", "red-card rate", "completed", "on time", "same day",
        "rated", "satisfaction", "anomalies",
      ],
      rows.map { row in
        [
          row.name.isEmpty ? row.key : row.name, "\(row.acceptedCases)", "\(row.redCardedCases)",
          row.shownRedCardRate, "\(row.completedCases)",
          row.shownOnTimeRate, row.shownSameDayRate, "\(row.ratings)",
          row.shownSatisfactionRate, "\(row.anomalies)",
        ]
      })
  }
}
