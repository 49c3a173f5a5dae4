import ArgumentParser
import HallContracts
import SwiftProtobuf

struct IntakeTicketCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ticket", abstract: "The hall's queue [取号]: issue, call, serve, list.",
    discussion: "Needs a clerk's token; the hall is the token's unless --hall is given.",
    subcommands: [Issue.self, Call.self, Serve.self, NoShow.self, List.self])

  struct Issue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Issue a queue ticket to a visitor.",
      discussion: "Example: hallctl intake ticket issue --item HL-SCJG-004")

    @OptionGroup var change: IntakeChange

    @Option(help: "Hall id (default: the token's hall).") var hall = ""

    @Option(help: "Item code the visitor came for, when known.") var item = ""

    @Option(help: "One-thing bundle code the visitor came for, when known.") var bundle = ""

    func run() async throws {
      try await change.send({ try await $0.issueTicket($1) }, Ticket.brief) {
        $0.hallID = hall
        $0.itemCode = item
        $0.bundleCode = bundle
      }
    }
  }

  struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Call the longest-waiting ticket of your hall to your window.",
      discussion: "Example: hallctl intake ticket call --window W03")

    @OptionGroup var change: IntakeChange

    @Option(help: "Your window, e.g. W03.") var window: String

    func run() async throws {
      try await change.send({ try await $0.callNextTicket($1) }, Ticket.brief) {
        $0.windowID = window
      }
    }
  }

  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Mark a called ticket served.",
      discussion: "Example: hallctl intake ticket serve T-hl-hall-20260928-A007")

    @OptionGroup var target: StepTarget<Ticket>

    func run() async throws {
      try await target.change({ try await $0.finishTicket($1) }) { $0.noShow = false }
    }
  }

  struct NoShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "no-show", abstract: "Mark a called ticket whose holder did not come.")

    @OptionGroup var target: StepTarget<Ticket>

    func run() async throws {
      try await target.change({ try await $0.finishTicket($1) }) { $0.noShow = true }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List a hall's tickets, with how long each waited.",
      discussion: "Example: hallctl intake ticket list --state waiting")

    @OptionGroup var connection: IntakeConnection

    @Option(help: "Hall id (default: the token's hall).") var hall = ""

    @Option(values: { "Only this state: \($0)." }) var state: TicketState?

    @OptionGroup var page: PageOptions

    func run() async throws {
      try await connection.list(page, { try await $0.listTickets($1) }, Self.table) {
        $0.hallID = hall
        $0.state = state ?? .unspecified
      }
    }

    static func table(_ listing: ListTicketsResponse) {
      Output.table(
        ["number", "state", "for", "issued", "waited", "window", "case", "ticket"],
        listing.tickets.map {
          [
            $0.number, Format.state($0.state), $0.itemCode + $0.bundleCode,
            Format.time($0.issueTime), Format.duration(seconds: $0.waitSeconds), $0.windowID,
            $0.caseNumber, $0.id,
          ]
        })
    }
  }
}

/// A ticket as the queue shows it: who it is for, and where serving it got to.
extension Ticket: StepRecord {
  typealias Client = IntakeServiceClient
  static var argument: ArgumentHelp { ArgumentHelp("Ticket id.", valueName: "ticket") }

  static func brief(_ ticket: Self) {
    Output.fields([
      ("ticket", ticket.id), ("number", ticket.number), ("state", Format.state(ticket.state)),
      ("hall", ticket.hallID), ("for", ticket.itemCode + ticket.bundleCode),
      ("issued", Format.time(ticket.issueTime)), ("called", Format.time(ticket.callTime)),
      ("window", ticket.windowID), ("clerk", ticket.clerkID),
      ("finished", Format.time(ticket.serveTime)), ("case", ticket.caseNumber),
    ])
  }
}
