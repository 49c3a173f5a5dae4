import Foundation
import HallAuth
import HallDatabase
public import Logging
public import PostgresNIO
public import SwiftProtobuf
import Synchronization

/// Makes a creating call idempotent (REL-1): the first call with a request id does the work
/// and stores its answer in the same transaction; a retry returns that answer and writes
/// nothing. A request id belongs to its caller: another caller's same id is another request,
/// and never sees this one's answer.
///
/// The answer is stored last, in one statement (the work's own last statement when it can
/// carry it), rather than claimed first and filled in at the end: a first call, by far the
/// commonest, costs no round trip of its own. A retry is told apart when it fails: the
/// request id's key refuses the second answer (a concurrent duplicate waits on the first's
/// uncommitted row, then meets it), or the work refuses because the first call already
/// changed things; either way the transaction rolls back, and the first answer is returned.
public enum Idempotency {
  public static func validate(requestID: String) throws(ServiceError) {
    guard !requestID.isEmpty else {
      throw .invalidArgument(field: "request_id", message: "is required for a creating call")
    }
    guard requestID.count <= 100 else {
      throw .invalidArgument(field: "request_id", message: "is longer than 100 characters")
    }
  }

  /// The stored answer of one call, for the work to write in its last statement.
  public final class Claim: Sendable {
    let requestID: String
    let method: String
    let subject: String
    private let written = Atomic<Bool>(false)

    init(requestID: String, method: String, subject: String) {
      self.requestID = requestID
      self.method = method
      self.subject = subject
    }

    var isWritten: Bool { written.load(ordering: .relaxed) }

    /// The statement storing `answer` (the serialized response), for work that left it to
    /// `once`.
    func statement(answer: [UInt8]) -> PostgresQuery {
      var binds = PostgresBindings()
      let sql = insert(response: answer) { value in
        binds.append(value)
        return "$\(binds.count)"
      }
      return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The same INSERT inside another statement, whose binds `placeholder` appends to.
    func insert(
      response: [UInt8], placeholder: (any PostgresNonThrowingEncodable) -> String
    ) -> String {
      written.store(true, ordering: .relaxed)
      let values = [
        placeholder(requestID), placeholder(method), placeholder(subject),
        placeholder(ByteBuffer(bytes: response)),
      ].joined(separator: ", ")
      return "INSERT INTO request_log (request_id, method, subject, response) VALUES (\(values))"
    }
  }

  /// Runs `work` once per request id in a transaction, returning the stored answer on retry.
  public static func once<Response: SwiftProtobuf.Message & Sendable>(
    requestID: String, method: String, client: PostgresClient, logger: Logger,
    _ work: (PostgresConnection) async throws -> Response
  ) async throws -> Response {
    try await once(requestID: requestID, method: method, client: client, logger: logger) {
      connection, _ in try await work(connection)
    }
  }

  /// As above, for work that may store the answer itself in its last statement (the claim
  /// passed to ``Outbox/append(_:alongside:answering:on:logger:)``), saving the round trip.
  ///
  /// - Parameter transaction: false for work whose only write is that last statement (after
  ///   reads): one statement is atomic by itself, and BEGIN and COMMIT would double the
  ///   round trips of the hottest call.
  public static func once<Response: SwiftProtobuf.Message & Sendable>(
    requestID: String, method: String, client: PostgresClient, logger: Logger,
    transaction: Bool = true, _ work: (PostgresConnection, Claim) async throws -> Response
  ) async throws -> Response {
    try validate(requestID: requestID)
    let caller = Self.caller
    let claim = Claim(requestID: requestID, method: method, subject: caller)
    do {
      guard transaction else {
        return try await client.withConnection { connection in
          let response = try await work(connection, claim)
          guard claim.isWritten else {
            throw UnstoredAnswer(method: method)
          }
          try await connection.confirmCommit(logger: logger)
          return response
        }
      }
      return try await client.transaction(logger: logger) { connection in
        let response = try await work(connection, claim)
        if !claim.isWritten {
          try await connection.perform(
            claim.statement(answer: try response.serializedBytes()), logger: logger)
        }
        return response
      }
    } catch {
      guard
        let stored = try? await storedAnswer(
          requestID: requestID, caller: caller, client: client, logger: logger)
      else { throw error }
      guard stored.method == method else {
        throw ServiceError.invalidArgument(
          field: "request_id", message: "was already used for a different call (\(stored.method))")
      }
      return try Response(serializedBytes: Array(buffer: stored.response))
    }
  }

  /// Who owns a request id: the role and subject of the token that sent it.
  static var caller: String {
    guard let principal = Principal.current else { return "anonymous" }
    return "\(principal.role.rawValue):\(principal.subject)"
  }

  /// The answer stored for `caller`'s `requestID`, if a call with it has committed.
  static func storedAnswer(
    requestID: String, caller: String, client: PostgresClient, logger: Logger
  ) async throws -> (method: String, response: ByteBuffer)? {
    let rows = try await client.query(
      """
      SELECT method, response FROM request_log
      WHERE subject = \(caller) AND request_id = \(requestID)
      """, logger: logger
    ).collect()
    guard let row = rows.first else { return nil }
    let (method, response) = try row.decode((String, ByteBuffer?).self)
    return response.map { (method, $0) }
  }
}

/// A programming error: work run outside a transaction must store its answer itself.
struct UnstoredAnswer: Error, CustomStringConvertible {
  var method: String
  var description: String { "\(method) ran outside a transaction but stored no answer" }
}
