package import ArgumentParser
import Foundation
package import SwiftProtobuf

/// Where a command group's service listens and who is calling; flags win over HALL_*
/// variables. `Client` is the service the command talks to.
package struct ConnectionOptions<Client: HallServiceClient>: ParsableArguments {
  @Option(
    help: """
      Service address host:port (default: the group's variable, $HALL_CATALOG_ADDR, \
      $HALL_INTAKE_ADDR, $HALL_RATING_ADDR or $HALL_SUPERVISION_ADDR, else 127.0.0.1:50051, \
      50052, 50053 or 50054).
      """)
  package var server: String?

  @Option(
    help: """
      The deployment's certificate authority (PEM) to trust: the connection is TLS (default: \
      $HALL_CA_FILE; without either, plaintext to this machine only).
      """)
  package var ca: String?

  @Option(help: "Bearer token (default: $HALL_TOKEN, or the file named by $HALL_TOKEN_FILE).")
  package var token: String?

  @Flag(help: "Print JSON instead of tables.") package var json = false

  package init() {}

  func bearerToken() throws -> String? {
    if let token { return token }
    let environment = ProcessInfo.processInfo.environment
    if let token = environment["HALL_TOKEN"] { return token }
    if let file = environment["HALL_TOKEN_FILE"] {
      return try String(contentsOfFile: file, encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return nil
  }

  /// Runs `body` against the service, with this command line's address and token.
  package func with(_ body: (Client) async throws -> Void) async throws {
    try await ServiceCall.with(
      server: server, authority: ca, token: try bearerToken(), body)
  }

  /// Makes one call and prints its answer.
  package func show<Answer: SwiftProtobuf.Message>(
    _ call: (Client) async throws -> Answer, _ view: (Answer) throws -> Void
  ) async throws {
    try await with { try present(try await call($0), view) }
  }

  /// Every listing pages the same way: `filter` says what to list, the page options where to
  /// start, and the answer is printed with where the next page starts.
  func list<Request: PagedRequest & SwiftProtobuf.Message, Answer: SwiftProtobuf.Message>(
    _ page: PageOptions, _ call: (Client, Request) async throws -> Answer,
    _ view: (Answer) throws -> Void, _ filter: (inout Request) throws -> Void
  ) async throws {
    var request = try Request.with(filter)
    page.apply(to: &request)
    let asked = request
    try await show({ try await call($0, asked) }, view)
  }

  /// Sends one change under the idempotency key `key`, `fill` giving the request its own
  /// fields, and prints the answer.
  func send<Request: KeyedRequest, Answer: SwiftProtobuf.Message>(
    key: String, _ call: (Client, Request) async throws -> Answer,
    _ view: (Answer) throws -> Void, _ fill: (inout Request) throws -> Void
  ) async throws {
    let request = try Request.keyed(key, fill)
    try await show({ try await call($0, request) }, view)
  }

  /// The one way an answer reaches the terminal: protobuf's JSON mapping with --json, for
  /// programs; else laid out by `view` for people, a listing followed by where its next page
  /// starts.
  func present<Answer: SwiftProtobuf.Message>(
    _ answer: Answer, _ view: (Answer) throws -> Void
  ) throws {
    if json { return try Output.json(answer) }
    try view(answer)
    if let listing = answer as? any PagedResponse { Output.nextPage(listing.nextPageToken) }
  }
}
