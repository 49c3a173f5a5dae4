import ArgumentParser
import HallContracts

/// Cases reported from a CSV file and from a JSON file may both be admitted after the
/// cut-off, under the same flag with the same words.
struct LateReportOptions: ParsableArguments {
  @Flag(help: "Keep records reported after the cut-off, marked late (supervisors).")
  var admitLate = false

  /// Only a given flag counts: without it, a request read from a file keeps its own say.
  func apply(to request: inout some LateReportRequest) {
    if admitLate { request.admitLate = true }
  }
}

/// Importing a CSV file and reporting JSON records carry the same admission field.
protocol LateReportRequest {
  var admitLate: Bool { get set }
}
