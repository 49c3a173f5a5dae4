import ArgumentParser
import HallContracts
import SwiftProtobuf

/// The clerk's acceptance decision as flags, the same for a case accepted on its own, a case
/// decided as it is received, and a one-thing application.
struct AcceptanceOptions: ParsableArguments {
  @Option(name: .customLong("defect"), help: "material=reason, repeat per material.")
  var defects: [String] = []

  @Option(help: "The applicant's written commitment to supply missing materials later.")
  var shortfallCommitment = ""

  @Option(help: "Working days to supply them (the deployment's default, 5, when 0).")
  var shortfallDays: Int32 = 0

  /// Whether any flag of the decision was given.
  var given: Bool { !defects.isEmpty || !shortfallCommitment.isEmpty || shortfallDays != 0 }

  func decision() throws -> AcceptanceDecision {
    let defects = try IntakeCommand.defects(defects)
    return .with {
      $0.defects = defects
      $0.shortfallCommitment = shortfallCommitment
      $0.shortfallWorkingDays = shortfallDays
    }
  }

  /// The decision in a request that carries its fields inline.
  func apply(to request: inout some AcceptanceRequest) throws {
    let decision = try decision()
    request.defects = decision.defects
    request.shortfallCommitment = decision.shortfallCommitment
    request.shortfallWorkingDays = decision.shortfallWorkingDays
  }
}

/// Accepting a case and accepting a one-thing application carry the same decision fields.
protocol AcceptanceRequest {
  var defects: [MaterialDefect] { get set }
  var shortfallCommitment: String { get set }
  var shortfallWorkingDays: Int32 { get set }
}
