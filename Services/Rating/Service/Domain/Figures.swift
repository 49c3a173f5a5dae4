import Foundation
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Attitude and environment marks (RAT-4), and the figures (RAT-5), by the definitions
/// written once in rating_service.proto.
enum Marks {
  /// A mark's own fields: an attitude mark names the staff member; both name the hall and
  /// carry their evidence.
  static func check(_ mark: Mark) throws(ServiceError) {
    switch mark.kind {
    case .attitude: try Text.require(mark.staffID, field: "mark.staff_id", max: 60)
    case .environment: break
    default:
      throw .invalidArgument(field: "mark.kind", message: "must be ATTITUDE or ENVIRONMENT")
    }
    try Text.require(mark.hallID, field: "mark.hall_id", max: 40)
    try Text.require(mark.evidence, field: "mark.evidence", max: 2000)
  }
}

/// What the figures are grouped by: the whole deployment, or a case's (or a mark's)
/// department, window or staff member.
enum FigureGroup: Sendable {
  case deployment, department, window, staff

  init(_ grouping: FigureGrouping) throws(ServiceError) {
    switch grouping {
    case .deployment: self = .deployment
    case .department: self = .department
    case .window: self = .window
    case .staff: self = .staff
    default:
      throw .invalidArgument(
        field: "grouping", message: "must be DEPLOYMENT, DEPARTMENT, WINDOW or STAFF")
    }
  }
}

/// The figures' period: from the first day's midnight (China Standard Time) to the last
/// day's, the last day excluded.
struct FigurePeriod: Sendable {
  var start: Date
  var end: Date

  init(from: CivilDate, to: CivilDate) throws {
    guard from < to else {
      throw ServiceError.invalidArgument(field: "to", message: "must be after from")
    }
    let midnight = try TimeOfDay(hour: 0)
    start = from.instant(at: midnight)
    end = to.instant(at: midnight)
  }
}

/// The counts of RAT-5 by group, and their rates as rating_service.proto defines them.
struct FigureTable: Sendable {
  private var rows: [String: FigureRow] = [:]

  /// The row of `key`, empty until counted.
  subscript(key: String) -> FigureRow {
    get { rows[key] ?? .with { $0.key = key } }
    set { rows[key] = newValue }
  }

  /// The rows in the order of their keys, with their rates.
  var figures: [FigureRow] { rows.values.sorted { $0.key < $1.key }.map(Self.rates) }

  static func rates(_ row: FigureRow) -> FigureRow {
    var row = row
    row.satisfactionRateBp = BasisPoints.of(row.goodRatings, row.ratings, whenNone: 0)
    row.activeRatingRateBp = BasisPoints.of(row.ratings, row.finishedCases, whenNone: 0)
    row.linkageCompletenessBp = BasisPoints.of(
      row.linkedRatings, row.ratings, whenNone: 10_000)
    row.onTimeRectificationRateBp = BasisPoints.of(
      row.badReviewsOnTime, row.badReviewsDue, whenNone: 10_000)
    return row
  }
}
