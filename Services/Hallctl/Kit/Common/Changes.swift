import ArgumentParser
package import SwiftProtobuf

/// A changing call's request: it carries the idempotency key, so that repeating the call
/// changes nothing again.
package protocol KeyedRequest: SwiftProtobuf.Message {
  var requestID: String { get set }
}

extension KeyedRequest {
  /// The request under the key `key`, with its own fields from `fill`.
  package static func keyed(_ key: String, _ fill: (inout Self) throws -> Void = { _ in })
    rethrows -> Self
  {
    var request = Self()
    request.requestID = key
    try fill(&request)
    return request
  }
}

/// A step's request: the key, and the id of the record the step acts on.
package protocol StepRequest: KeyedRequest {
  /// Names the record the step acts on; each contract calls the field its own way.
  mutating func target(_ id: String)
}

extension StepRequest {
  /// The request of a step on the record `id` under the key `key`, with the step's own
  /// fields from `fill`.
  package static func step(
    on id: String, key: String, _ fill: (inout Self) throws -> Void = { _ in }
  ) rethrows -> Self {
    try keyed(key) {
      $0.target(id)
      try fill(&$0)
    }
  }
}

/// What every changing command takes: where its service is, and the key that makes
/// repeating the command safe.
struct ChangeOptions<Client: HallServiceClient>: ParsableArguments {
  @OptionGroup var connection: ConnectionOptions<Client>
  @OptionGroup var write: WriteOptions

  /// Sends the change under this command line's key and prints the answer with `view`.
  func send<Request: KeyedRequest, Answer: SwiftProtobuf.Message>(
    _ call: (Client, Request) async throws -> Answer, _ view: (Answer) throws -> Void,
    _ fill: (inout Request) throws -> Void
  ) async throws {
    try await connection.send(key: write.id, call, view, fill)
  }
}

/// A record that changing commands act on by its id: a case, a ticket, a one-thing
/// application, a bad review, an anomaly. Every step answers with the record as it now
/// stands.
protocol StepRecord: SwiftProtobuf.Message {
  associatedtype Client: HallServiceClient
  /// The argument that names the record: what it is, and its name in the usage line.
  static var argument: ArgumentHelp { get }
  /// The few facts a step changes, shown after it (without --json).
  static func brief(_ record: Self)
}

/// The record a step acts on, and the key that makes repeating the step safe.
struct StepTarget<Record: StepRecord>: ParsableArguments {
  @OptionGroup var connection: ConnectionOptions<Record.Client>
  @OptionGroup var write: WriteOptions

  @Argument(help: Record.argument) var id: String

  /// Sends one step on the record, `fill` adding the step's own fields, and shows the
  /// record as the answer left it.
  func change<Request: StepRequest>(
    _ send: (Record.Client, Request) async throws -> Record,
    _ fill: (inout Request) throws -> Void = { _ in }
  ) async throws {
    try await connection.send(key: write.id, send, Record.brief) {
      $0.target(id)
      try fill(&$0)
    }
  }
}
