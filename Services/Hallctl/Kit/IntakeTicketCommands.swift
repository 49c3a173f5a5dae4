import ArgumentParser
import HallContracts
import SwiftProtobuf

struct IntakeTicketCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ticket", abstract: "The hall's queue [取号]: issue, call, serve, list.",
    discussion: "Needs a clerk's token; the hall is the token's unless --hall is given.",
    subcommands: [Issue.self, Call.self, Serve.self, NoShow.self, List.self])

  static func show(_ ticket: Hall_Intake_V1_Ticket, _ connection: ConnectionOptions) throws {
    if connection.json { return try Output.json(ticket) }
    Output.fields([
      ("ticket", ticket.id), ("number", ticket.number), ("state", Format.state(ticket.state)),
      ("hall", ticket.hallID), ("for", ticket.itemCode + ticket.bundleCode),
      ("issued", Format.time(ticket.issueTime)), ("called", Format.time(ticket.callTime)),
      ("window", ticket.windowID), ("clerk", ticket.clerkID),
      ("finished", Format.time(ticket.serveTime)), ("case", ticket.caseNumber),
    ])
  }

  struct Issue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Issue a queue ticket to a visitor.",
      discussion: "Example: hallctl intake ticket issue --item HL-SCJG-004")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    @Option(help: "Hall id (default: the token's hall).")
    var hall = ""

    @Option(help: "Item code the visitor came for, when known.")
    var item = ""

    @Option(help: "One-thing bundle code the visitor came for, when known.")
    var bundle = ""

    func run() async throws {
      try await IntakeCommand.withIntake(connection) { intake in
        let ticket = try await intake.issueTicket(
          .with {
            $0.requestID = write.id
            $0.hallID = hall
            $0.itemCode = item
            $0.bundleCode = bundle
          })
        try IntakeTicketCommand.show(ticket, connection)
      }
    }
  }

  struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Call the longest-waiting ticket of your hall to your window.",
      discussion: "Example: hallctl intake ticket call --window W03")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    @Option(help: "Your window, e.g. W03.")
    var window: String

    func run() async throws {
      try await IntakeCommand.withIntake(connection) { intake in
        let ticket = try await intake.callNextTicket(
          .with {
            $0.requestID = write.id
            $0.windowID = window
          })
        try IntakeTicketCommand.show(ticket, connection)
      }
    }
  }

  static func finish(
    _ ticketID: String, noShow: Bool, _ connection: ConnectionOptions, _ write: WriteOptions
  ) async throws {
    try await IntakeCommand.withIntake(connection) { intake in
      let ticket = try await intake.finishTicket(
        .with {
          $0.requestID = write.id
          $0.ticketID = ticketID
          $0.noShow = noShow
        })
      try show(ticket, connection)
    }
  }

  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Mark a called ticket served.",
      discussion: "Example: hallctl intake ticket serve T-hl-hall-20260928-A007")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    @Argument(help: "Ticket id.")
    var ticket: String

    func run() async throws {
      try await IntakeTicketCommand.finish(ticket, noShow: false, connection, write)
    }
  }

  struct NoShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "no-show", abstract: "Mark a called ticket whose holder did not come.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var write: WriteOptions

    @Argument(help: "Ticket id.")
    var ticket: String

    func run() async throws {
      try await IntakeTicketCommand.finish(ticket, noShow: true, connection, write)
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List a hall's tickets, with how long each waited.",
      discussion: "Example: hallctl intake ticket list --state waiting")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Hall id (default: the token's hall).")
    var hall = ""

    @Option(
      help: "Only this state: \(ProtoEnum.choices(Hall_Intake_V1_TicketState.self)).",
      transform: ProtoEnum.parse)
    var state: Hall_Intake_V1_TicketState?

    @OptionGroup var page: PageOptions

    func run() async throws {
      try await IntakeCommand.withIntake(connection) { intake in
        let response = try await intake.listTickets(
          .with {
            $0.hallID = hall
            $0.state = state ?? .unspecified
            $0.pageSize = page.limit
            $0.pageToken = page.pageToken
          })
        if connection.json { return try Output.json(response) }
        Output.table(
          ["number", "state", "for", "issued", "waited", "window", "case", "ticket"],
          response.tickets.map {
            [
              $0.number, Format.state($0.state), $0.itemCode + $0.bundleCode,
              Format.time($0.issueTime), Format.duration(seconds: $0.waitSeconds), $0.windowID,
              $0.caseNumber, $0.id,
            ]
          })
        Output.nextPage(response.nextPageToken)
      }
    }
  }
}
