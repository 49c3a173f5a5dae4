import ArgumentParser
import HallAuth
import HallFixtures
import HallTestSupport
import Testing

@testable import HallctlKit

/// Bearer tokens as an operator would hold them (hallctl takes a token, not metadata).
enum Tokens {
  static func mint(
    _ role: Role, _ subject: String, department: String? = nil, hall: String? = nil
  ) -> String {
    try! TestKeys.signer.mint(
      Principal(
        subject: subject, role: role, departmentID: department, regionCode: "410902",
        hallID: hall))
  }

  static let clerk = mint(.clerk, "clerk-01", hall: "hl-hall")
  static let approver = mint(.approver, "approver-scjg", department: "scjg")
  static let supervisor = mint(.supervisor, "supervisor-1")
  static let zhang = mint(.applicant, People.zhangID)
  static let company = mint(.applicant, People.companyID)
}

/// The hall of IntakeFixture, with a rating service beside it when a test needs one (and a
/// supervision service fed by all three), and hallctl pointed at them: each command line is
/// parsed and run in this process, its output captured.
struct Hall {
  let fixture: IntakeFixture
  let ratingService: TestService?
  var supervisionService: TestService? = nil

  static func with(
    rating: Bool = false, supervision: Bool = false, _ body: (Hall) async throws -> Void
  ) async throws {
    try await IntakeFixture.with { fixture in
      guard rating || supervision else {
        return try await body(Hall(fixture: fixture, ratingService: nil))
      }
      try await fixture.withRating { ratingService in
        guard supervision else {
          return try await body(Hall(fixture: fixture, ratingService: ratingService))
        }
        try await fixture.withSupervision(rating: ratingService, timerIntervalSeconds: 1) {
          supervisionService in
          try await body(
            Hall(
              fixture: fixture, ratingService: ratingService,
              supervisionService: supervisionService))
        }
      }
    }
  }

  /// Runs `hallctl <arguments> --server … --token …` with the service the command group
  /// talks to; a refusal surfaces as the command's ExitCode, as in a shell.
  @discardableResult
  func run(_ token: String, _ arguments: [String]) async throws -> Output.Capture {
    let capture = Output.Capture()
    let port =
      switch arguments.first {
      case "rating": ratingService!.port
      case "supervision": supervisionService!.port
      case "catalog": fixture.catalogService.port
      default: fixture.intakeService.port
      }
    let command = try Hallctl.parseAsRoot(
      arguments + ["--server", "127.0.0.1:\(port)", "--token", token])
    do {
      try await Output.$capture.withValue(capture) {
        if var command = command as? any AsyncParsableCommand {
          try await command.run()
        } else {
          var command = command
          try command.run()
        }
      }
    } catch let exit as ExitCode {
      throw Refused(exit: exit, message: capture.error)
    }
    return capture
  }

  /// A command that ended with a failure status, with what it printed about it.
  struct Refused: Error, CustomStringConvertible {
    var exit: ExitCode
    var message: String
    var description: String { "hallctl exited \(exit.rawValue): \(message)" }
  }

  /// Runs a command that the service must refuse; returns what hallctl printed about it.
  func refused(
    _ token: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) async throws -> String {
    do {
      try await run(token, arguments)
      Issue.record("expected a refusal: \(arguments)", sourceLocation: sourceLocation)
      return ""
    } catch let refused as Refused {
      #expect(refused.exit == .failure, sourceLocation: sourceLocation)
      return refused.message
    }
  }
}
