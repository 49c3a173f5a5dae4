import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

/// Data reporting answers with the lines kept and, for each line refused, why.
enum ReportView {
  static func show(_ response: ReportCasesResponse) {
    Output.line("accepted \(response.accepted), refused \(response.refusals.count)")
    guard !response.refusals.isEmpty else { return }
    Output.line()
    Output.table(
      ["line", "case", "problem", "field", "message"],
      response.refusals.map { ["\($0.line)", $0.caseNumber, $0.problem, $0.field, $0.message] })
  }

  static func read(_ path: String) throws -> Data {
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
  }
}

struct SupervisionImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Report cases from a department's CSV file; good lines are kept, bad ones refused.",
    discussion: """
      Needs a department_admin's token (own department's cases) or a supervisor's. The file \
      is UTF-8 with a header line naming the columns, in any order: case_number, item_code, \
      department_id, region_code, hall_id, window_id, staff_id, state, case_kind, \
      promised_working_days, receive_time, accept_time, completion_time, delivery_time, \
      refusal_reason, visits, fee_charged_fen, fee_standard_fen, wait_seconds. Times are RFC \
      3339 (2026-11-02T09:30:00+08:00); state is intake's case state number (1 received, 3 \
      accepted, 4 refused, 11 approved, 13 denied, 14 withdrawn, 21 delivered), case_kind 1 \
      on the spot, 2 promised. Records are due by 17:00 of the working day of their newest \
      event; a supervisor may admit late ones with --admit-late.

      Each refused line is printed with its problem (INCOMPLETE, NON_COMPLIANT, INACCURATE, \
      LATE, DUPLICATE) and field; the command still exits 0, since the good lines were kept. \
      Repeat with the same --request-id to retry safely.

      Example: hallctl supervision import cases-2026-11-02.csv
      """)

  @OptionGroup var change: SupervisionChange

  @Argument(help: "The CSV file.") var file: String

  @OptionGroup var late: LateReportOptions

  func run() async throws {
    guard let csv = String(data: try ReportView.read(file), encoding: .utf8) else {
      throw ValidationError("\(file) is not UTF-8")
    }
    try await change.send({ try await $0.importCases($1) }, ReportView.show) {
      $0.csv = csv
      late.apply(to: &$0)
    }
  }
}

struct SupervisionReportCasesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report-cases",
    abstract: "Report cases from a JSON file of records, as a department's system would.",
    discussion: """
      Needs a department_admin's, service's or supervisor's token. The file holds the \
      records in the contract's JSON form of CaseReport, 1 to 1 000 of them: either a list \
      [{"case_number": …}, …] or an object {"cases": [...]}. Refused records are printed \
      with their index (from 1); the command still exits 0.

      Example: hallctl supervision report-cases --file reports.json
      """)

  @OptionGroup var change: SupervisionChange

  @Option(help: "The records, in the contract's JSON form.") var file: String

  @OptionGroup var late: LateReportOptions

  func run() async throws {
    var request: ReportCasesRequest
    do {
      var data = try ReportView.read(file)
      let text = String(decoding: data, as: UTF8.self)
      if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("[") {
        data = Data("{\"cases\": \(text)}".utf8)
      }
      request = try ReportCasesRequest(jsonUTF8Data: data)
    } catch let error as ValidationError {
      throw error
    } catch {
      throw ValidationError("\(file): \(error)")
    }
    // --request-id wins; else the file's own, so retrying a file is safe; else a new one.
    if change.write.requestID != nil || request.requestID.isEmpty {
      request.requestID = change.write.id
    }
    late.apply(to: &request)
    let report = request
    try await change.connection.show({ try await $0.reportCases(report) }, ReportView.show)
  }
}

struct SupervisionExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export cases or anomalies of a period as CSV.",
    discussion: """
      Cases received, or anomalies raised, in [from, to), days in China Standard Time. Cases \
      come in the import columns plus source, timeliness, due time and cards. A department's \
      staff export their own department's.

      Example: hallctl supervision export cases --from 2026-11-01 --to 2026-12-01 \\
        --output cases-2026-11.csv
      """)

  enum What: String, ExpressibleByArgument, CaseIterable {
    case cases, anomalies
  }

  @OptionGroup var connection: SupervisionConnection

  @Argument(help: "What to export: cases or anomalies.") var what: What

  @OptionGroup var period: PeriodOptions

  @Option(help: "Only this department.") var department = ""

  @Option(help: "Write the CSV to this file instead of printing it.") var output: String?

  func run() async throws {
    try await connection.with { supervision in
      let request = ExportRequest.with {
        $0.from = period.from
        $0.to = period.to
        $0.departmentID = department
      }
      let response =
        switch what {
        case .cases: try await supervision.exportCases(request)
        case .anomalies: try await supervision.exportAnomalies(request)
        }
      if let output {
        do {
          try Data(response.csv.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
          throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
        if connection.json {
          return try Output.json(
            ExportResponse.with { $0.rows = response.rows })
        }
        Output.line("\(response.rows) \(what.rawValue) written to \(output)")
      } else if connection.json {
        try Output.json(response)
      } else {
        Output.raw(response.csv)
      }
    }
  }
}
