import HallContracts
import HallServer
import PostgresNIO
import SwiftProtobuf

/// Attitude and environment marks (RAT-4), with the columns the figures group them by.
enum MarkStore {
  /// The statement that stores a new mark.
  static func insert(_ mark: Mark) throws -> PostgresQuery {
    """
    INSERT INTO marks (id, kind, hall_id, window_id, staff_id, department_id, time, body)
    VALUES (\(mark.id), \(Int16(mark.kind.rawValue)), \(mark.hallID), \(mark.windowID),
      \(mark.staffID), \(mark.departmentID), \(mark.time.date), \(try mark.bytea()))
    """
  }
}
