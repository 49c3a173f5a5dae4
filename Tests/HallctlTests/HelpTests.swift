import ArgumentParser
import Testing

@testable import HallctlKit

/// Help is how an operator learns the tool: every command must say what it is for, and
/// every changing command must offer --request-id.
@Suite("hallctl help")
struct HelpTests {
  static func commands(
    _ command: any ParsableCommand.Type, path: [String] = []
  ) -> [([String], any ParsableCommand.Type)] {
    let name = command._commandName
    let here = path + [name]
    return [(here, command)]
      + command.configuration.subcommands.flatMap { commands($0, path: here) }
  }

  @Test("every command has an abstract and renders its help")
  func everyCommandHasHelp() {
    let all = Self.commands(Hallctl.self)
    #expect(all.count > 40)
    for (path, command) in all {
      #expect(!command.configuration.abstract.isEmpty, "\(path)")
      let help = Hallctl.helpMessage(for: command)
      #expect(help.contains("USAGE: \(path.joined(separator: " "))"), "\(path)")
    }
  }

  @Test("changing commands take --request-id; group help names the role needed")
  func requestIDsAndRoles() {
    for path in [
      ["intake", "case", "submit"], ["intake", "review", "decide"], ["intake", "ticket", "call"],
      ["rating", "rate"], ["rating", "bad-review", "check"], ["rating", "mark"],
      ["supervision", "anomaly", "judge"], ["supervision", "rules", "update"],
      ["supervision", "score-model", "set"], ["supervision", "import"],
    ] {
      let command = Self.commands(Hallctl.self).first { $0.0 == ["hallctl"] + path }!.1
      #expect(Hallctl.helpMessage(for: command).contains("--request-id"), "\(path)")
    }
    #expect(Hallctl.helpMessage(for: IntakeReviewCommand.self).contains("approver"))
    #expect(Hallctl.helpMessage(for: IntakeCommand.self).contains("clerk"))
    #expect(Hallctl.helpMessage(for: RatingCommand.self).contains("supervisor"))
    #expect(Hallctl.helpMessage(for: SupervisionAnomalyCommand.self).contains("department_admin"))
    #expect(Hallctl.helpMessage(for: SupervisionReportCommand.self).contains("supervisor"))
  }
}
