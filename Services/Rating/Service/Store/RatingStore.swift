import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The ratings, stored whole with the columns that listings and figures filter on.
struct RatingStore {
  let db: Database

  /// The case's first rating, if it has one.
  func first(of caseNumber: String) async throws -> RatingRecord? {
    let rows = try await db.prepared(
      "SELECT body FROM ratings WHERE case_number = \(caseNumber) AND evaluation = 1")
    return try rows.first.map { try RatingRecord(bytea: try $0.decode(ByteBuffer.self)) }
  }

  /// Stores a new rating; false when the case already has this evaluation (a concurrent
  /// rating came first).
  func insert(_ rating: RatingRecord) async throws -> Bool {
    let rows = try await db.prepared(
      """
      INSERT INTO ratings (id, case_number, evaluation, satisfaction, applicant_id,
        department_id, time, body)
      VALUES (\(rating.id), \(rating.caseNumber), \(Int16(rating.evaluation)),
        \(Int16(rating.satisfaction.rawValue)), \(rating.applicantID), \(rating.departmentID),
        \(rating.time.date), \(try rating.bytea()))
      ON CONFLICT (case_number, evaluation) DO NOTHING RETURNING 1
      """)
    return !rows.isEmpty
  }

  /// The statement that voids a rating whose bad review's appeal was upheld (RAT-3): it no
  /// longer counts in the figures.
  static func voiding(_ rating: RatingRecord) throws -> PostgresQuery {
    "UPDATE ratings SET void = true, body = \(try rating.bytea()) WHERE id = \(rating.id)"
  }

  /// A page of ratings by id; an empty filter matches all. Unprepared: the filters that are
  /// empty differ from call to call, and each call's plan is made for its own.
  func list(
    caseNumber: String, department: String, applicant: String, page: PageRequest
  ) async throws -> Page<RatingRecord> {
    let rows = try await db.query(
      """
      SELECT body FROM ratings
      WHERE id > \(page.after) AND (\(caseNumber) = '' OR case_number = \(caseNumber))
        AND (\(department) = '' OR department_id = \(department))
        AND (\(applicant) = '' OR applicant_id = \(applicant))
      ORDER BY id LIMIT \(page.limit)
      """)
    return try Page(rows, page, id: \.id)
  }
}
