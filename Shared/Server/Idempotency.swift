import Foundation
import HallAuth
import HallDatabase
public import Logging
public import PostgresNIO
public import SwiftProtobuf

/// Makes a creating call idempotent (REL-1): the first call with a request id does the work
/// and stores its answer in the same transaction; a retry returns that answer and writes
/// nothing. A concurrent duplicate waits on the request id's row until the first commits.
public enum Idempotency {
  public static func validate(requestID: String) throws(ServiceError) {
    guard !requestID.isEmpty else {
      throw .invalidArgument(field: "request_id", message: "is required for a creating call")
    }
    guard requestID.count <= 100 else {
      throw .invalidArgument(field: "request_id", message: "is longer than 100 characters")
    }
  }

  /// Runs `work` once per request id in a transaction, returning the stored answer on retry.
  public static func once<Response: SwiftProtobuf.Message & Sendable>(
    requestID: String, method: String, client: PostgresClient, logger: Logger,
    _ work: (PostgresConnection) async throws -> Response
  ) async throws -> Response {
    try validate(requestID: requestID)
    let subject = Principal.current?.subject ?? "anonymous"
    return try await client.transaction(logger: logger) { connection in
      let inserted = try await connection.query(
        """
        INSERT INTO request_log (request_id, method, subject) VALUES (\(requestID), \(method), \(subject))
        ON CONFLICT (request_id) DO NOTHING RETURNING 1
        """, logger: logger
      ).collect()
      if inserted.isEmpty {
        let rows = try await connection.query(
          "SELECT method, response FROM request_log WHERE request_id = \(requestID)",
          logger: logger
        ).collect()
        guard let row = rows.first else {
          throw ServiceError.failedPrecondition("request_id \(requestID) is being processed")
        }
        let (storedMethod, bytes) = try row.decode((String, ByteBuffer?).self)
        guard storedMethod == method else {
          throw ServiceError.invalidArgument(
            field: "request_id", message: "was already used for a different call (\(storedMethod))")
        }
        guard let bytes else {
          throw ServiceError.failedPrecondition("request_id \(requestID) has no stored answer")
        }
        return try Response(serializedBytes: Array(buffer: bytes))
      }
      let response = try await work(connection)
      let bytes: [UInt8] = try response.serializedBytes()
      try await connection.query(
        "UPDATE request_log SET response = \(ByteBuffer(bytes: bytes)) WHERE request_id = \(requestID)",
        logger: logger)
      return response
    }
  }
}
