import Foundation
import HallAuth
import HallDatabase
import Logging
public import PostgresNIO
public import SwiftProtobuf

/// Makes a changing call idempotent (REL-1): the first call with a request id does the work
/// and stores its answer in the same transaction; a retry returns that answer and writes
/// nothing. A request id belongs to its caller: another caller's same id is another request,
/// and never sees this one's answer.
///
/// The work hands back its answer and its last writes (``Change``); this is the one place
/// that sends them, with the stored answer, as one statement. The answer is stored last
/// rather than claimed first: a first call, by far the commonest, costs no round trip of
/// its own. A retry is told apart when it fails: the request id's key refuses the second
/// answer (a concurrent duplicate waits on the first's uncommitted row, then meets it), or
/// the work refuses because the first call already changed things; either way the
/// transaction rolls back, and the first answer is returned.
public enum Idempotency {
  public static func validate(requestID: String) throws(ServiceError) {
    guard !requestID.isEmpty else {
      throw .invalidArgument(field: "request_id", message: "is required for a creating call")
    }
    guard requestID.count <= 100 else {
      throw .invalidArgument(field: "request_id", message: "is longer than 100 characters")
    }
  }

  /// Runs `work` once per request id, returning the stored answer on retry.
  ///
  /// - Parameter transaction: false for work whose only write is the change it hands back
  ///   (after reads): one statement is atomic by itself, and BEGIN and COMMIT would double
  ///   the round trips of the hottest call. The answer then waits for the server to confirm
  ///   the commit.
  /// - Parameter lease: told when the work gets its connection, for the pool's gauges.
  static func run<Answer: SwiftProtobuf.Message & Sendable>(
    requestID: String, method: String, client: PostgresClient, logger: Logger,
    transaction: Bool = true, lease: PoolLease? = nil,
    _ work: (Database) async throws -> Change<Answer>
  ) async throws -> Answer {
    try validate(requestID: requestID)
    let key = Key(requestID: requestID, method: method, caller: Self.caller)
    do {
      guard transaction else {
        return try await client.withDatabase(logger: logger) { db in
          lease?.begin()
          let answer = try await finish(try await work(db), key: key, on: db)
          try await db.connection.confirmCommit(logger: logger)
          return answer
        }
      }
      return try await client.inTransaction(logger: logger) { db in
        lease?.begin()
        return try await finish(try await work(db), key: key, on: db)
      }
    } catch {
      guard
        let stored = try? await storedAnswer(of: key, client: client, logger: logger)
      else { throw error }
      guard stored.method == method else {
        throw ServiceError.invalidArgument(
          field: "request_id", message: "was already used for a different call (\(stored.method))")
      }
      return try Answer(serializedBytes: Array(buffer: stored.response))
    }
  }

  /// Sends the change, its events and the stored answer as one statement.
  private static func finish<Answer: SwiftProtobuf.Message>(
    _ change: Change<Answer>, key: Key, on db: Database
  ) async throws -> Answer {
    var statement = WriteStatement(change: change.statement)
    try Outbox.add(change.events, to: &statement)
    let response = try change.answerBytes ?? change.answer.serializedBytes()
    let values = [
      statement.placeholder(key.requestID), statement.placeholder(key.method),
      statement.placeholder(key.caller), statement.placeholder(ByteBuffer(bytes: response)),
    ].joined(separator: ", ")
    statement.add(
      "answered",
      "INSERT INTO request_log (request_id, method, subject, response) VALUES (\(values))")
    try await db.perform(statement.query)
    return change.answer
  }

  /// Who sent which request id for which method.
  struct Key {
    var requestID: String
    var method: String
    /// The role and subject of the token that sent it.
    var caller: String
  }

  static var caller: String {
    guard let principal = Principal.current else { return "anonymous" }
    return "\(principal.role.rawValue):\(principal.subject)"
  }

  /// The answer stored for the key's caller and request id, if a call with it has committed.
  static func storedAnswer(
    of key: Key, client: PostgresClient, logger: Logger
  ) async throws -> (method: String, response: ByteBuffer)? {
    let rows = try await client.withDatabase(logger: logger) { db in
      try await db.prepared(
        """
        SELECT method, response FROM request_log
        WHERE subject = \(key.caller) AND request_id = \(key.requestID)
        """)
    }
    guard let row = rows.first else { return nil }
    let (method, response) = try row.decode((String, ByteBuffer?).self)
    return response.map { (method, $0) }
  }
}

/// What a changing call hands back to ``Idempotency``: its answer and its last writes, which
/// go to the database in one statement with the stored answer.
public struct Change<Answer: SwiftProtobuf.Message & Sendable>: Sendable {
  public var answer: Answer
  /// The call's last data-modifying statement (an INSERT, UPDATE or DELETE without
  /// RETURNING), if it left one to send with the answer.
  public var statement: PostgresQuery?
  /// The events telling the change, in order.
  public var events: [Outbox.Entry]
  /// The answer already serialized, when the work has the bytes (a row's body that is also
  /// the answer): serialized once.
  public var answerBytes: [UInt8]?

  public init(
    _ answer: Answer, statement: PostgresQuery? = nil, events: [Outbox.Entry] = [],
    answerBytes: [UInt8]? = nil
  ) {
    self.answer = answer
    self.statement = statement
    self.events = events
    self.answerBytes = answerBytes
  }
}
