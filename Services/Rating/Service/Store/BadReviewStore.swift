import Foundation
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// The bad reviews (RAT-3), stored whole with their state, whether the loop is open, and
/// the deadline the figures count by.
struct BadReviewStore {
  let db: Database

  /// The review; `locking` it for the rest of the transaction, for a step of the loop.
  func read(_ id: String, locking: Bool) async throws -> BadReview {
    guard !id.isEmpty else {
      throw ServiceError.invalidArgument(field: "id", message: "is required")
    }
    let rows = try await db.prepared(
      locking
        ? "SELECT body FROM bad_reviews WHERE id = \(id) FOR UPDATE"
        : "SELECT body FROM bad_reviews WHERE id = \(id)")
    guard let row = rows.first else {
      throw ServiceError.notFound("bad review \(id) does not exist")
    }
    return try BadReview(bytea: try row.decode(ByteBuffer.self))
  }

  /// The statement that stores a new review.
  static func insert(_ review: BadReview) throws -> PostgresQuery {
    """
    INSERT INTO bad_reviews (id, department_id, state, open, rectification_due, closed_time,
      body)
    VALUES (\(review.id), \(review.departmentID), \(Int16(review.state.rawValue)),
      \(isOpen(review)), \(review.rectificationDue.date), \(closedTime(review)),
      \(try review.bytea()))
    """
  }

  /// The statement that stores a review after a step.
  static func update(_ review: BadReview) throws -> PostgresQuery {
    """
    UPDATE bad_reviews SET state = \(Int16(review.state.rawValue)), open = \(isOpen(review)),
      closed_time = \(closedTime(review)), body = \(try review.bytea())
    WHERE id = \(review.id)
    """
  }

  /// A page of reviews by id, of one department or ("") all, open ones or all. Unprepared:
  /// the filters that are empty differ from call to call, and each call's plan is made for
  /// its own.
  func list(department: String, openOnly: Bool, page: PageRequest) async throws
    -> Page<BadReview>
  {
    let rows = try await db.query(
      """
      SELECT body FROM bad_reviews
      WHERE id > \(page.after) AND (\(department) = '' OR department_id = \(department))
        AND (NOT \(openOnly) OR open)
      ORDER BY id LIMIT \(page.limit)
      """)
    return try Page(rows, page, id: \.id)
  }

  /// The loop is open until feedback closes it or an upheld appeal voids it.
  private static func isOpen(_ review: BadReview) -> Bool {
    review.state != .closed && review.state != .void
  }

  private static func closedTime(_ review: BadReview) -> Date? {
    review.hasClosedTime ? review.closedTime.date : nil
  }
}
