import ArgumentParser
import Foundation
import GRPCCore
import HallAuth
import HallServer
import HallctlKit

/// `hall-demo day`: a scripted day of the hall played through the four contracts, the way
/// the hall's people would: tickets, acceptances (one with a shortfall, one with a correction
/// notice), an on-the-spot case, a denial, a one-thing application, licences delivered,
/// ratings good and bad, and a department's report of a case left past its limit; then the
/// supervision figures the day produced. The morning and the afternoon can be played apart,
/// so that a service can be stopped between them.
struct DemoDayCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "day",
    abstract: "Play a scripted day of the hall through the contracts and print the figures.",
    discussion: """
      Needs the deployment's signing key: the day's people (clerk, approvers, applicants, \
      supervisor) get tokens minted with it. Addresses come from HALL_CATALOG_ADDR, \
      HALL_INTAKE_ADDR, HALL_RATING_ADDR and HALL_SUPERVISION_ADDR (ports 50051–50054 by \
      default). Every call carries a fresh request id, so the day can be played again. A \
      training hall's HALL_CLOCK_OFFSET_SECONDS moves the day's clock as it moves the services'.

        hall-demo day --key .hall/keys/signing.key --deployment hualong-district
      """)

  enum Part: String, ExpressibleByArgument, CaseIterable {
    case morning, afternoon, figures, all
  }

  @Option(help: "The deployment's private key file (signing.key).")
  var key: String

  @Option(help: "Deployment name (the tokens' issuer).")
  var deployment = "local"

  @Option(help: "Region code of the deployment (GB/T 2260).")
  var region = "410902"

  @Option(help: "The hall's id.")
  var hall = "hl-hall"

  @Option(
    help: "What to play: morning, afternoon, figures (wait for supervision, print them), all.")
  var part = Part.all

  @Option(help: "Seconds to wait for supervision to catch up before printing the figures.")
  var wait: Double = 60

  @Flag(help: "Print the figures as JSON.")
  var json = false

  func run() async throws {
    let signer = try TokenSigner(keyFile: key, deployment: deployment)
    let people = DemoPeople(signer: signer, region: region, hall: hall)
    let clock = try ServiceSettings.clock(
      offset: ProcessInfo.processInfo.environment["HALL_CLOCK_OFFSET_SECONDS"])
    try await DemoDay.with(people: people, clock: clock) { day in
      if part == .morning || part == .all { try await day.morning() }
      if part == .afternoon || part == .all { try await day.afternoon() }
      if part == .figures || part == .all {
        try await day.printFigures(waitSeconds: wait, json: json)
      }
    }
  }
}

/// The day's people, each with a token of their role.
struct DemoPeople: Sendable {
  /// The clerk at the hall's window, and the supervisor who reads every case.
  let clerk, supervisor: Metadata
  /// The applicants: a company and two citizens.
  let company, zhang, li: Metadata
  /// An approver of each department, by the department's id.
  let departments: [String: Metadata]
  let hall: String

  static let companyID = "91410100317421623M"
  static let zhangID = "410102199003071230"
  static let liID = "410902198511204561"

  init(signer: TokenSigner, region: String, hall: String) {
    func token(_ role: Role, _ subject: String, department: String? = nil, hall: String? = nil)
      -> Metadata
    {
      let text = try! signer.mint(
        Principal(
          subject: subject, role: role, departmentID: department, regionCode: region,
          hallID: hall), lifetime: 8 * 3600)
      return ["authorization": "Bearer \(text)"]
    }
    clerk = token(.clerk, "clerk-w01", hall: hall)
    supervisor = token(.supervisor, "supervisor-01")
    company = token(.applicant, Self.companyID)
    zhang = token(.applicant, Self.zhangID)
    li = token(.applicant, Self.liID)
    self.hall = hall
    var departments: [String: Metadata] = [:]
    for id in ["hl-scjgj", "hl-wjw", "hl-gaj", "hl-nyncj"] {
      departments[id] = token(.approver, "approver-\(id)", department: id)
    }
    self.departments = departments
  }

  func approver(_ department: String) -> Metadata { departments[department] ?? supervisor }
}
