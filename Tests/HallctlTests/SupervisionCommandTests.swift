import Foundation
import HallContracts
import HallFixtures
import HallServer
import HallTestSupport
import SwiftProtobuf
import Testing

@testable import HallctlKit

/// Supervision through hallctl: data reporting by CSV and JSON, the manual entry's life,
/// rules, the score model, figures, the report and exports; each checked through the
/// contract as well as through what hallctl printed.
@Suite("hallctl supervision", .serialized)
struct SupervisionCommandTests {
  /// The hall's clock: the services of `Hall` read ``TestClock/start``.
  let now = TestClock.start
  /// When the reported cases came in, as a department's system reports them: ten minutes
  /// before the hall's now. They are finished minutes later, long before the hall closes.
  var receive: Date { now.addingTimeInterval(-600) }

  static func rfc3339(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    formatter.timeZone = Format.chinaStandardTime
    return formatter.string(from: date)
  }

  static func day(_ date: Date, format: String = "yyyy-MM-dd") -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = Format.chinaStandardTime
    formatter.dateFormat = format
    return formatter.string(from: date)
  }

  /// The period holding the reported cases: the day they were received to tomorrow.
  var period: [String] {
    ["--from", Self.day(receive), "--to", Self.day(now.addingTimeInterval(86_400))]
  }

  func temporary(_ name: String, _ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("hallctl-\(UUID().uuidString)-\(name)").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// The value printed beside a label in a record's "label  value" lines.
  static func field(_ out: String, _ label: String) -> String? {
    out.split(separator: "\n").first { $0.hasPrefix(label + " ") }
      .map { $0.dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
  }

  func withSupervision(
    _ hall: Hall, _ body: (SupervisionServiceClient) async throws -> Void
  ) async throws {
    try await ServiceClient.with(
      host: "127.0.0.1", port: hall.supervisionService!.port, token: Tokens.supervisor
    ) { try await body(SupervisionServiceClient(wrapping: $0)) }
  }

  @Test("a CSV import keeps the good line and prints the refused ones; JSON reports too")
  func dataReporting() async throws {
    try await Hall.with(supervision: true) { hall in
      let (received, accepted, completed) = (
        Self.rfc3339(receive), Self.rfc3339(receive.addingTimeInterval(60)),
        Self.rfc3339(receive.addingTimeInterval(300))
      )
      let csv = """
        case_number,item_code,department_id,hall_id,window_id,staff_id,state,case_kind,promised_working_days,receive_time,accept_time,completion_time,visits
        SUP-FILE-0001,\(IntakeFixture.spotItem),scjg,hl-hall,W05,clerk-05,11,1,0,\(received),\(accepted),\(completed),1
        SUP-FILE-0002,HL-NOPE-999,scjg,hl-hall,W05,clerk-05,11,1,0,\(received),\(accepted),\(completed),1
        SUP-FILE-0003,\(IntakeFixture.spotItem),scjg,hl-hall,W05,clerk-05,11,1,0,,\(accepted),\(completed),1
        SUP-FILE-0004,\(IntakeFixture.spotItem),scjg,hl-hall,W05,clerk-05,7,1,0,\(received),\(accepted),\(completed),1
        SUP-FILE-0005,\(IntakeFixture.spotItem),scjg

        """
      let file = try temporary("cases.csv", csv)
      let request = ["--request-id", "import-\(UUID().uuidString)"]
      let imported = try await hall.run(
        Tokens.supervisor, ["supervision", "import", file, "--admit-late"] + request)
      let lines = imported.out.split(separator: "\n").map(String.init)
      #expect(lines.first == "accepted 1, refused 4")
      #expect(lines.contains { $0.hasPrefix("line ") && $0.contains("problem") })
      for (line, expected) in [
        ("3 ", "SUP-FILE-0002  INACCURATE"), ("4 ", "SUP-FILE-0003  INCOMPLETE"),
        ("5 ", "SUP-FILE-0004  NON_COMPLIANT"), ("6 ", "NON_COMPLIANT"),
      ] {
        #expect(lines.contains { $0.hasPrefix(line) && $0.contains(expected) }, "\(line)")
      }
      // The same request id answers the same again, here as the contract's JSON.
      let again = try await hall.run(
        Tokens.supervisor, ["supervision", "import", file, "--admit-late", "--json"] + request)
      let answer = try Hall_Supervision_V1_ReportCasesResponse(jsonString: again.out)
      #expect(answer.accepted == 1)
      #expect(
        answer.refusals.map { [String($0.line), $0.caseNumber, $0.problem, $0.field] } == [
          ["3", "SUP-FILE-0002", "INACCURATE", "item_code"],
          ["4", "SUP-FILE-0003", "INCOMPLETE", "receive_time"],
          ["5", "SUP-FILE-0004", "NON_COMPLIANT", "state"],
          ["6", "", "NON_COMPLIANT", ""],
        ])

      let late = try await hall.refused(
        Tokens.approver, ["supervision", "import", file, "--admit-late"])
      #expect(late.hasPrefix("error: PERMISSION_DENIED: "))

      let reports = """
        [{"case_number": "SUP-API-0001", "item_code": "\(IntakeFixture.promisedItem)",
          "department_id": "scjg", "state": 3, "case_kind": "CASE_KIND_PROMISED",
          "promised_working_days": 5, "receive_time": "\(received)", "accept_time": "\(accepted)"},
         {"case_number": "SUP-API-0002", "item_code": "\(IntakeFixture.promisedItem)",
          "state": 3, "case_kind": "CASE_KIND_PROMISED", "promised_working_days": 5,
          "receive_time": "\(received)", "accept_time": "\(accepted)"}]
        """
      let reported = try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "report-cases", "--file", try temporary("reports.json", reports),
          "--admit-late", "--json",
        ])
      let response = try Hall_Supervision_V1_ReportCasesResponse(jsonString: reported.out)
      #expect(response.accepted == 1)
      #expect(
        response.refusals.map { [String($0.line), $0.problem, $0.field] } == [
          ["2", "INCOMPLETE", "department_id"]
        ])

      try await withSupervision(hall) { supervision in
        let kase = try await supervision.getCase(.with { $0.caseNumber = "SUP-FILE-0001" })
        #expect(kase.source == .file && kase.itemCode == IntakeFixture.spotItem)
        #expect(kase.windowID == "W05" && !kase.open && kase.timeliness == .normal)
        let api = try await supervision.getCase(.with { $0.caseNumber = "SUP-API-0001" })
        #expect(api.source == .api && api.open && api.hasDueTime)
      }
      let shown = try await hall.run(
        Tokens.approver, ["supervision", "case", "get", "SUP-FILE-0001"])
      #expect(Self.field(shown.out, "source") == "file")
      #expect(shown.out.contains("hl-hall/W05"))
      #expect(shown.out.contains("decided"))
      let files = try await hall.run(
        Tokens.supervisor, ["supervision", "case", "query", "--source", "file"])
      #expect(files.out.contains("SUP-FILE-0001") && !files.out.contains("SUP-API-0001"))
      let open = try await hall.run(
        Tokens.approver, ["supervision", "case", "query", "--open", "--department", "scjg"])
      #expect(open.out.contains("SUP-API-0001") && !open.out.contains("SUP-FILE-0001"))

      // A case intake announced is intake's to tell: reporting it too is a duplicate.
      let submitted = try await hall.run(
        Tokens.clerk,
        [
          "intake", "case", "submit", "--item", IntakeFixture.spotItem, "--window", "W03",
          "--applicant-id", People.zhangID, "--applicant-name", "张三", "--material", "s1",
          "--json",
        ])
      let number = try Hall_Intake_V1_Case(jsonString: submitted.out).caseNumber
      try await hall.run(Tokens.clerk, ["intake", "case", "accept", number])
      try await withSupervision(hall) { supervision in
        try await eventually(seconds: 30) {
          let kase = try? await supervision.getCase(.with { $0.caseNumber = number })
          return kase?.open == false
        }
      }
      let fed = try await hall.run(Tokens.supervisor, ["supervision", "case", "get", number])
      #expect(Self.field(fed.out, "source") == "feed")
      #expect(Self.field(fed.out, "where") == "hl-hall/W03")
      #expect(fed.out.contains("clerk-01"))
      let twice = try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "import", "--admit-late",
          try temporary(
            "feed.csv",
            """
            case_number,item_code,department_id,state,case_kind,receive_time,accept_time,completion_time
            \(number),\(IntakeFixture.spotItem),scjg,11,1,\(received),\(accepted),\(completed)
            """),
        ])
      #expect(twice.out.hasPrefix("accepted 0, refused 1"))
      #expect(twice.out.contains("DUPLICATE"))

      let exported = FileManager.default.temporaryDirectory
        .appendingPathComponent("hallctl-\(UUID().uuidString)-export.csv").path
      let written = try await hall.run(
        Tokens.supervisor,
        ["supervision", "export", "cases"] + period + ["--output", exported])
      #expect(written.out == "3 cases written to \(exported)")
      let text = try String(contentsOfFile: exported, encoding: .utf8)
      #expect(text.hasPrefix("case_number,item_code,department_id"))
      #expect(text.contains("SUP-FILE-0001") && text.contains("SUP-API-0001"))
    }
  }

  @Test("a manual entry is judged, appealed by the department, decided and followed up")
  func manualEntry() async throws {
    try await Hall.with(supervision: true) { hall in
      let recorded = try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "anomaly", "record", "--source", "phone-complaint", "--department",
          "scjg", "--window", "W05", "--summary", "窗口人员态度生硬", "--evidence", "12345 工单 1102-001",
          "--json",
        ])
      let entry = try Hall_Supervision_V1_Anomaly(jsonString: recorded.out)
      #expect(entry.id.hasPrefix("M-") && entry.state == .pendingJudgement)
      #expect(entry.manualSource == .phoneComplaint && entry.regionCode == "410902")
      let id = entry.id

      let early = try await hall.refused(
        Tokens.approver, ["supervision", "anomaly", "appeal", id, "--reason", "不属实"])
      #expect(early.hasPrefix("error: FAILED_PRECONDITION: "))
      let noSignal = try await hall.refused(
        Tokens.supervisor,
        ["supervision", "anomaly", "judge", id, "--anomalous", "--judgement", "属实"])
      #expect(noSignal.hasSuffix("[field category]"))
      let judged = try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "anomaly", "judge", id, "--anomalous", "--category", "integrity",
          "--signal", "yellow", "--judgement", "录音核实属实",
        ])
      #expect(Self.field(judged.out, "state") == "open")
      #expect(Self.field(judged.out, "signal") == "integrity/yellow")

      try await hall.run(
        Tokens.approver,
        ["supervision", "anomaly", "appeal", id, "--reason", "当班人员已说明情况，附录像"])
      let again = try await hall.refused(
        Tokens.approver, ["supervision", "anomaly", "appeal", id, "--reason", "再次申诉"])
      #expect(again.hasPrefix("error: FAILED_PRECONDITION: "))
      let decided = try await hall.run(
        Tokens.supervisor,
        ["supervision", "anomaly", "decide-appeal", id, "--reject", "--reason", "录像显示态度生硬"])
      #expect(Self.field(decided.out, "appeal") == "rejected")

      let steps: [(String, [String])] = [
        (Tokens.supervisor, ["--kind", "urged", "--note", "限期整改"]),
        (Tokens.approver, ["--kind", "corrected", "--note", "已约谈并培训"]),
        (Tokens.supervisor, ["--kind", "closed", "--note", "整改到位"]),
      ]
      for (token, step) in steps {
        try await hall.run(token, ["supervision", "anomaly", "follow-up", id] + step)
      }
      try await withSupervision(hall) { supervision in
        let anomaly = try await supervision.getAnomaly(.with { $0.id = id })
        #expect(anomaly.state == .closed && anomaly.ruleCode == "MANUAL")
        #expect(anomaly.appeal.decided && !anomaly.appeal.upheld)
        #expect(anomaly.appeal.appealedBy == "approver-scjg")
        #expect(anomaly.followUps.map(\.kind) == [.urged, .corrected, .closed])
      }
      let full = try await hall.run(Tokens.approver, ["supervision", "anomaly", "get", id])
      #expect(full.out.contains("12345 工单 1102-001"))
      #expect(full.out.contains("整改到位"))
      let listed = try await hall.run(
        Tokens.approver, ["supervision", "anomaly", "list", "--state", "closed"])
      #expect(listed.out.contains(id))

      let figures = try await hall.run(
        Tokens.supervisor,
        ["supervision", "figures", "--by", "department"] + period + ["--json"])
      let rows = try Hall_Supervision_V1_GetFiguresResponse(jsonString: figures.out).rows
      let scjg = try #require(rows.first { $0.key == "scjg" })
      #expect(scjg.anomaliesByRule["MANUAL"] == 1 && scjg.anomaliesByCategory["INTEGRITY"] == 1)
      let table = try await hall.run(
        Tokens.supervisor, ["supervision", "figures", "--by", "department"] + period)
      #expect(table.out.contains("scjg") && table.out.contains("INTEGRITY 1"))

      let lags = try await hall.run(Tokens.supervisor, ["supervision", "lags"])
      #expect(lags.out.contains("intake") && lags.out.contains("events behind"))

      let anomalies = try await hall.run(
        Tokens.supervisor, ["supervision", "export", "anomalies"] + period)
      #expect(anomalies.out.hasPrefix("id,rule_code,category"))
      #expect(anomalies.out.contains("\(id),MANUAL"))
    }
  }

  @Test("rules update changes only what is given; the score model and report are read and set")
  func rulesModelAndReport() async throws {
    try await Hall.with(supervision: true) { hall in
      let listed = try await hall.run(Tokens.approver, ["supervision", "rules", "list"])
      #expect(listed.out.contains("max_wait_minutes=30"))
      try await hall.run(
        Tokens.supervisor,
        ["supervision", "rules", "update", "WINDOW_WAIT", "--param", "max_wait_minutes=45"])
      let updated = try await hall.run(
        Tokens.supervisor,
        ["supervision", "rules", "update", "WINDOW_WAIT", "--disable", "--signal", "red"])
      #expect(updated.out.contains("max_wait_minutes=45"))
      try await withSupervision(hall) { supervision in
        let rules = try await supervision.listRules(.init()).rules
        let rule = try #require(rules.first { $0.code == "WINDOW_WAIT" })
        #expect(rule.parameters == ["max_wait_minutes": 45] && !rule.enabled)
        #expect(rule.signal == .red && rule.category == .process)
        #expect(rule.updatedBy == "supervisor-1")
        let step = try #require(rules.first { $0.code == "STEP_OVERDUE" })
        #expect(step.parameters["acceptance_working_days"] == 5)
      }
      let foreign = try await hall.refused(
        Tokens.supervisor,
        ["supervision", "rules", "update", "WINDOW_WAIT", "--param", "min_code=3"])
      #expect(
        foreign.hasPrefix("error: INVALID_ARGUMENT: ") && foreign.hasSuffix("[field parameters]"))
      let unknown = try await hall.refused(
        Tokens.supervisor, ["supervision", "rules", "update", "NO_SUCH_RULE", "--enable"])
      #expect(unknown.contains("WINDOW_WAIT") && unknown.hasSuffix("[field code]"))
      let notYours = try await hall.refused(
        Tokens.approver, ["supervision", "rules", "update", "WINDOW_WAIT", "--enable"])
      #expect(notYours.hasPrefix("error: PERMISSION_DENIED: "))

      let before = try await hall.run(
        Tokens.supervisor, ["supervision", "score-model", "get", "--json"])
      let version = try Hall_Supervision_V1_ScoreModel(jsonString: before.out).version
      let set = try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "score-model", "set", "--term", "on-time-rate:40", "--term",
          "satisfaction-rate:30", "--term", "red-card-rate:20:target=8%", "--term",
          "anomalies-per-thousand:10:penalty=2", "--json",
        ])
      let model = try Hall_Supervision_V1_ScoreModel(jsonString: set.out)
      #expect(model.version == version + 1 && model.terms.count == 4)
      #expect(model.terms[2].targetBp == 800 && model.terms[3].penaltyPoints == 2)
      let file = try temporary("model.json", set.out)
      let fromFile = try await hall.run(
        Tokens.supervisor, ["supervision", "score-model", "set", "--file", file])
      #expect(Self.field(fromFile.out, "version") == "\(version + 2)")
      #expect(fromFile.out.contains("8.00%"))
      let bad = try await hall.refused(
        Tokens.supervisor, ["supervision", "score-model", "set", "--term", "on-time-rate:-5"])
      #expect(bad.hasPrefix("error: INVALID_ARGUMENT: "))

      // A case of each department this month; the health department's gets a red card.
      let (received, accepted) = (
        Self.rfc3339(receive), Self.rfc3339(receive.addingTimeInterval(60))
      )
      let reports = """
        {"cases": [
          {"case_number": "SUP-API-0011", "item_code": "\(IntakeFixture.spotItem)",
           "department_id": "scjg", "state": 11, "case_kind": "CASE_KIND_ON_THE_SPOT",
           "receive_time": "\(received)", "accept_time": "\(accepted)",
           "completion_time": "\(accepted)"},
          {"case_number": "SUP-API-0012", "item_code": "\(IntakeFixture.healthItem)",
           "department_id": "wjw", "state": 3, "case_kind": "CASE_KIND_PROMISED",
           "promised_working_days": 10, "receive_time": "\(received)",
           "accept_time": "\(accepted)"}]}
        """
      let reported = try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "report-cases", "--file", try temporary("reports.json", reports),
          "--admit-late",
        ])
      #expect(reported.out == "accepted 2, refused 0")
      let recorded = try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "anomaly", "record", "--source", "inspection", "--case", "SUP-API-0012",
          "--summary", "暗访发现窗口无人", "--evidence", "暗访记录 11-02", "--json",
        ])
      let entry = try Hall_Supervision_V1_Anomaly(jsonString: recorded.out)
      #expect(entry.departmentID == "wjw" && entry.caseNumber == "SUP-API-0012")
      try await hall.run(
        Tokens.supervisor,
        [
          "supervision", "anomaly", "judge", entry.id, "--anomalous", "--category", "process",
          "--signal", "red", "--judgement", "属实",
        ])
      let shown = try await hall.run(
        Tokens.supervisor, ["supervision", "case", "get", "SUP-API-0012"])
      #expect(shown.out.contains(entry.id) && shown.out.contains("暗访发现窗口无人"))

      let month = Self.day(now, format: "yyyy-MM")
      let report = try await hall.run(Tokens.supervisor, ["supervision", "report", month])
      #expect(report.out.hasPrefix("\(month), score model v\(version + 2)"))
      #expect(report.out.contains("rank  key"))
      let lines = report.out.split(separator: "\n")
      let wjw = try #require(lines.first { $0.contains(" wjw ") })
      let scjg = try #require(lines.first { $0.contains(" scjg ") })
      #expect(scjg.hasPrefix("1 ") && wjw.hasPrefix("2 "))
      #expect(lines.last?.contains("(all)") == true)
      let json = try await hall.run(
        Tokens.supervisor, ["supervision", "report", month, "--by", "region", "--json"])
      let byRegion = try Hall_Supervision_V1_GetMonthlyReportResponse(jsonString: json.out)
      #expect(byRegion.lines.map(\.figures.key) == ["410902"])
      let approverReport = try await hall.refused(
        Tokens.approver, ["supervision", "report", month])
      #expect(approverReport.hasPrefix("error: PERMISSION_DENIED: "))
    }
  }
}
