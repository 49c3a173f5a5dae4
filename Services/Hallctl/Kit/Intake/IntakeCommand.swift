import ArgumentParser
package import HallContracts
import SwiftProtobuf

struct IntakeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "intake",
    abstract: "Queue tickets, cases from receipt to delivery, one-thing applications.",
    discussion: ServiceEndpoint.intake.discussion(
      """
      Tickets, submission at the window, acceptance, delivery, fees and visits need a \
      clerk's token; review, decisions and licences an approver's of the owning department; \
      an applicant submits online, corrects, supplies and withdraws their own cases; a \
      supervisor reads every case. Every changing command takes --request-id: repeating it \
      with the same id changes nothing again.
      """),
    subcommands: [
      IntakeTicketCommand.self, IntakeCaseCommand.self, IntakeReviewCommand.self,
      IntakeApplicationCommand.self,
    ])

  /// `--defect m1=复印件不清晰`: a material and what is wrong with it; the whole list goes
  /// into one notice, as the one-time-notice rule wants.
  static func defects(_ texts: [String]) throws -> [MaterialDefect] {
    try texts.map { text in
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw ValidationError("--defect wants material=reason, e.g. m1=复印件不清晰; got \(text)")
      }
      return .with {
        $0.materialID = String(text[..<equals])
        $0.reason = String(text[text.index(after: equals)...])
      }
    }
  }
}

/// The case a command acts on, and the key that makes repeating it safe.
typealias CaseTarget = StepTarget<IntakeCase>

/// Every step on a case answers with the case as it now stands.
extension IntakeCase: StepRecord {
  typealias Client = IntakeServiceClient
  static var argument: ArgumentHelp {
    ArgumentHelp("Case number, e.g. HL-SCJG-004-20260928-0007.", valueName: "case-number")
  }
  static func brief(_ kase: Self) { CaseView.brief(kase) }
}
