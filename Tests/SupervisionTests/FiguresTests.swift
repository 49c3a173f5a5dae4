import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import SwiftProtobuf
import Testing

@testable import SupervisionService

/// SUP-7 to SUP-10: figures against a hand count, the monthly report under a configured
/// model, CSV import line by line and export, and the combined query.
@Suite("Figures, report, data reporting, query")
struct FiguresTests {
  /// October 2026: the market regulator accepts four promised cases (one completed late)
  /// and one on-the-spot case; the health commission two promised cases, both on time.
  static let october: [Hall_Supervision_V1_CaseReport] = {
    func done(
      _ number: String, _ accepted: String, _ completed: String,
      item: String = IntakeFixture.promisedItem,
      department: String = "scjg", days: Int32 = 5
    ) -> Hall_Supervision_V1_CaseReport {
      SupervisionFixture.promised(
        number, received: accepted, accepted: accepted, completed: completed,
        delivered: completed, state: 21, item: item, department: department, days: days)
    }
    var spot = Hall_Supervision_V1_CaseReport.with {
      $0.caseNumber = "OCT-S1"
      $0.itemCode = IntakeFixture.spotItem
      $0.departmentID = "scjg"
      $0.state = 21
      $0.caseKind = .onTheSpot
      $0.receiveTime = SupervisionFixture.stamp("2026-10-12T10:00:00")
      $0.completionTime = SupervisionFixture.stamp("2026-10-12T10:20:00")
      $0.deliveryTime = SupervisionFixture.stamp("2026-10-12T10:25:00")
    }
    spot.staffID = "clerk-02"
    return [
      done("OCT-A1", "2026-10-12T09:00:00", "2026-10-14T15:00:00"),
      done("OCT-A2", "2026-10-13T09:00:00", "2026-10-16T15:00:00"),
      done("OCT-A3", "2026-10-14T09:00:00", "2026-10-20T15:00:00"),
      // Due 22 October 17:00, completed the 23rd: late.
      done("OCT-A4", "2026-10-15T09:00:00", "2026-10-23T10:00:00"),
      spot,
      done(
        "OCT-H1", "2026-10-12T09:00:00", "2026-10-20T11:00:00", item: IntakeFixture.healthItem,
        department: "wjw", days: 10),
      done(
        "OCT-H2", "2026-10-19T09:00:00", "2026-10-26T11:00:00", item: IntakeFixture.healthItem,
        department: "wjw", days: 10),
    ]
  }()

  static var octoberRange: (Hall_Common_V1_CivilDate, Hall_Common_V1_CivilDate) {
    (
      Days.proto(try! CivilDate(year: 2026, month: 10, day: 1)),
      Days.proto(try! CivilDate(year: 2026, month: 11, day: 1))
    )
  }

  @Test("figures by department match a hand count; the month's report ranks by the model")
  func monthlyReport() async throws {
    try await SupervisionFixture.with { fixture in
      let response = try await fixture.report(Self.october)
      #expect(response.accepted == 7, "\(response.refusals)")
      let (from, to) = Self.octoberRange
      let figures = try await fixture.supervision.getFigures(
        .with {
          $0.grouping = .department
          $0.from = from
          $0.to = to
        }, metadata: People.supervisor)
      let scjg = try #require(figures.rows.first { $0.key == "scjg" })
      let wjw = try #require(figures.rows.first { $0.key == "wjw" })
      #expect(scjg.name == "区市场监管局")
      #expect(scjg.acceptedCases == 5 && scjg.redCardedCases == 1 && scjg.redCardRateBp == 2000)
      #expect(scjg.completedCases == 5 && scjg.completedOnTime == 4 && scjg.onTimeRateBp == 8000)
      #expect(scjg.onTheSpotCompleted == 1 && scjg.onTheSpotSameDay == 1)
      #expect(
        scjg.anomaliesByRule == ["OVERDUE": 1] && scjg.anomaliesByCategory == ["TIMELINESS": 1])
      #expect(wjw.acceptedCases == 2 && wjw.redCardedCases == 0 && wjw.onTimeRateBp == 10_000)
      #expect(wjw.anomalies == 0 && wjw.satisfactionRateBp == 10_000)
      // A department's staff see their own figures only.
      await expectRefusal(.permissionDenied) {
        _ = try await fixture.supervision.getFigures(
          .with {
            $0.from = from
            $0.to = to
            $0.departmentID = "wjw"
          }, metadata: People.approver)
      }

      // The model: 60 points for on-time completion, 40 for the red-card rate.
      let model = try await fixture.supervision.setScoreModel(
        .with {
          $0.requestID = "model-1"
          $0.terms = [
            .with {
              $0.measure = .onTimeRate
              $0.weight = 60
            },
            .with {
              $0.measure = .redCardRate
              $0.weight = 40
            },
          ]
        }, metadata: People.supervisor)
      #expect(model.version == 1)
      await expectRefusal(.invalidArgument, field: "terms[1].measure") {
        _ = try await fixture.supervision.setScoreModel(
          .with {
            $0.requestID = "model-twice"
            $0.terms = [
              .with {
                $0.measure = .onTimeRate
                $0.weight = 60
              },
              .with {
                $0.measure = .onTimeRate
                $0.weight = 40
              },
            ]
          }, metadata: People.supervisor)
      }
      let report = try await fixture.supervision.getMonthlyReport(
        .with { $0.month = "2026-10" }, metadata: People.supervisor)
      #expect(report.model.version == 1)
      #expect(report.lines.map(\.figures.key) == ["wjw", "scjg"])
      #expect(report.lines.map(\.rank) == [1, 2])
      // scjg: 60 × 4/5 + 40 × (1 − 1/5) = 48 + 32.
      #expect(report.lines.map(\.score) == [100, 80])
      #expect(report.lines[1].termPoints == [48, 32])
      #expect(report.total.acceptedCases == 7 && report.total.redCardedCases == 1)
      let byRegion = try await fixture.supervision.getMonthlyReport(
        .with {
          $0.month = "2026-10"
          $0.grouping = .region
        }, metadata: People.supervisor)
      #expect(byRegion.lines.map(\.figures.key) == [SupervisionFixture.region])
      #expect(byRegion.lines.first?.figures.acceptedCases == 7)
      await expectRefusal(.invalidArgument, field: "month") {
        _ = try await fixture.supervision.getMonthlyReport(
          .with { $0.month = "2026-13" }, metadata: People.supervisor)
      }
    }
  }

  @Test("a CSV import keeps the good lines and refuses each bad one with its reason")
  func csvImport() async throws {
    try await SupervisionFixture.with { fixture in
      let header =
        "case_number,item_code,department_id,state,case_kind,promised_working_days,receive_time,accept_time,completion_time,fee_charged_fen"
      let lines = [
        header,
        "CSV-1,HL-SCJG-001,scjg,3,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
        "CSV-2,HL-NOPE-001,scjg,3,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
        "CSV-3,HL-SCJG-001,nobody,3,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
        "CSV-4,HL-SCJG-001,scjg,3,2,5,2026-11-23T09:00:00+08:00,2026-11-22T09:30:00+08:00,,",
        "CSV-5,HL-SCJG-001,scjg,7,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
        ",HL-SCJG-001,scjg,3,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
        "CSV-7,HL-SCJG-001,scjg,3,2,5,yesterday,2026-11-23T09:30:00+08:00,,",
        "CSV-8,HL-WJW-001,scjg,3,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
        "\"CSV-9\",HL-SCJG-001,scjg,11,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
        "CSV-1,HL-SCJG-001,scjg,3,2,5,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,",
      ]
      let csv = lines.joined(separator: "\r\n") + "\r\n"
      let response = try await fixture.supervision.importCases(
        .with {
          $0.requestID = "import-1"
          $0.csv = csv
          $0.admitLate = true
        }, metadata: People.supervisor)
      #expect(response.accepted == 1)
      let problems = response.refusals.map { "\($0.line) \($0.problem) \($0.field)" }
      #expect(
        problems == [
          "3 INACCURATE item_code", "4 INACCURATE department_id", "5 INACCURATE accept_time",
          "6 NON_COMPLIANT state", "7 INCOMPLETE case_number", "8 NON_COMPLIANT receive_time",
          "9 INACCURATE item_code", "10 INCOMPLETE completion_time", "11 DUPLICATE case_number",
        ])
      #expect(try await fixture.getCase("CSV-1").source == .file)
      #expect(try await fixture.count("SELECT count(*) FROM cases") == 1)
      // Without a supervisor's admission, yesterday's record is late.
      let late = try await fixture.supervision.importCases(
        .with {
          $0.requestID = "import-2"
          $0.csv = header + "\n" + lines[1].replacingOccurrences(of: "CSV-1", with: "CSV-LATE")
        }, metadata: SupervisionFixture.departmentAdmin)
      #expect(late.accepted == 0 && late.refusals.map(\.problem) == ["LATE"])
      await expectRefusal(.permissionDenied) {
        _ = try await fixture.supervision.importCases(
          .with {
            $0.requestID = "import-3"
            $0.csv =
              header
              + "\nCSV-W,HL-WJW-001,wjw,3,2,10,2026-11-23T09:00:00+08:00,2026-11-23T09:30:00+08:00,,\n"
          }, metadata: SupervisionFixture.departmentAdmin)
      }
      await expectRefusal(.invalidArgument, field: "csv") {
        _ = try await fixture.supervision.importCases(
          .with {
            $0.requestID = "import-4"
            $0.csv = "case_number,colour\nX,red\n"
          }, metadata: People.supervisor)
      }

      // The export reads back.
      let today = fixture.hall.clock.today
      let export = try await fixture.supervision.exportCases(
        .with {
          $0.from = Days.proto(today.adding(days: -7))
          $0.to = Days.proto(today.adding(days: 1))
        }, metadata: People.supervisor)
      #expect(export.rows == 1 && export.csv.contains("CSV-1,HL-SCJG-001,scjg,410902"))
      let again = try await fixture.supervision.importCases(
        .with {
          $0.requestID = "import-5"
          $0.csv = export.csv
          $0.admitLate = true
        }, metadata: People.supervisor)
      #expect(again.accepted == 1 && again.refusals.isEmpty)
      // A department's own batch with a line naming no department: that line is refused as
      // incomplete and the others are kept, as in a supervisor's batch (SUP-9).
      let mixed = try await fixture.supervision.importCases(
        .with {
          $0.requestID = "import-mixed"
          $0.csv =
            header
            + "\nCSV-OWN,HL-SCJG-001,scjg,3,2,5,2026-11-24T09:00:00+08:00,2026-11-24T09:30:00+08:00,,"
            + "\nCSV-NONE,HL-SCJG-001,,3,2,5,2026-11-24T09:00:00+08:00,2026-11-24T09:30:00+08:00,,\n"
        }, metadata: SupervisionFixture.departmentAdmin)
      #expect(mixed.accepted == 1)
      #expect(
        mixed.refusals.map { "\($0.line) \($0.problem) \($0.field)" } == [
          "3 INCOMPLETE department_id"
        ])
    }
  }

  @Test("the combined query filters cases and anomalies across departments, page by page")
  func combinedQuery() async throws {
    try await SupervisionFixture.with { fixture in
      _ = try await fixture.report(Self.october)
      var query = Hall_Supervision_V1_QueryCasesRequest.with {
        $0.pageSize = 2
        $0.receivedFrom = Self.octoberRange.0
        $0.receivedTo = Self.octoberRange.1
      }
      var numbers: [String] = []
      repeat {
        let page = try await fixture.supervision.queryCases(query, metadata: People.supervisor)
        numbers += page.cases.map(\.caseNumber)
        query.pageToken = page.nextPageToken
      } while !query.pageToken.isEmpty
      #expect(numbers == Self.october.map(\.caseNumber).sorted())

      let overdue = try await fixture.supervision.queryCases(
        .with { $0.withAnomalies = true }, metadata: People.supervisor)
      #expect(overdue.cases.map(\.caseNumber) == ["OCT-A4"])
      #expect(overdue.anomalies.map(\.ruleCode) == ["OVERDUE"])
      let own = try await fixture.supervision.queryCases(.init(), metadata: People.healthApprover)
      #expect(own.cases.map(\.caseNumber) == ["OCT-H1", "OCT-H2"])
      await expectRefusal(.permissionDenied) {
        _ = try await fixture.supervision.getCase(
          .with { $0.caseNumber = "OCT-A1" }, metadata: People.healthApprover)
      }
      let anomalies = try await fixture.supervision.exportAnomalies(
        .with {
          $0.from = Self.octoberRange.0
          $0.to = Self.octoberRange.1
        }, metadata: People.supervisor)
      #expect(anomalies.rows == 1 && anomalies.csv.contains("OCT-A4/OVERDUE,OVERDUE"))
    }
  }
}
