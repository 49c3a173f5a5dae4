import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// What supervision takes from rating's feed (SUP-1, SUP-3, SUP-5): each case's rating in
/// force for the satisfaction figure, an anomaly for a dissatisfied rating (re-graded by a
/// second evaluation), the rating voided by an upheld appeal in rating, and an anomaly for
/// each attitude mark "bad".
enum RatingReplica {
  static let eventTypes = ["rating.rating.given", "rating.bad_review.", "rating.mark.recorded"]

  static func apply(
    _ event: Hall_Events_V1_Event, policy: SupervisionPolicy, calendars: CalendarSource,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    let evidence = "\(event.producer)#\(event.cursor) \(event.type)"
    switch event.type {
    case "rating.rating.given":
      let rating = try Hall_Rating_V1_Rating(unpackingAny: event.payload)
      try await given(
        rating, evidence: evidence, policy: policy, calendars: calendars, on: connection,
        logger: logger)
    case "rating.mark.recorded":
      let mark = try Hall_Rating_V1_Mark(unpackingAny: event.payload)
      guard mark.kind == .attitude else { return }
      let rules = try await RuleBook.load(on: connection, logger: logger)
      guard let rule = rules.enabled(RuleBook.Code.attitudeBad) else { return }
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      var anomaly = try AnomalyStore.make(
        id: "\(mark.id)/\(rule.code)", rule: rule, summary: "attitude bad: \(mark.evidence)",
        evidence: [evidence], kase: nil, time: mark.time.date, calendar: calendar,
        policy: policy)
      anomaly.departmentID = mark.departmentID
      anomaly.regionCode = try await region(of: mark.departmentID, policy, connection, logger)
      anomaly.hallID = mark.hallID
      anomaly.windowID = mark.windowID
      anomaly.staffID = mark.staffID
      try await AnomalyStore.insert(anomaly, on: connection, logger: logger)
    default:
      let review = try Hall_Rating_V1_BadReview(unpackingAny: event.payload)
      guard review.state == .void else { return }
      try await voided(
        review.rating, evidence: evidence, at: event.occurredAt.date, on: connection,
        logger: logger)
    }
  }

  static func region(
    of department: String, _ policy: SupervisionPolicy, _ connection: PostgresConnection,
    _ logger: Logger
  ) async throws -> String {
    let rows = try await connection.query(
      "SELECT region_code FROM departments WHERE id = \(department)", logger: logger
    ).collect()
    return try rows.first?.decode(String.self) ?? policy.regionCode
  }

  static func given(
    _ rating: Hall_Rating_V1_Rating, evidence: String, policy: SupervisionPolicy,
    calendars: CalendarSource, on connection: PostgresConnection, logger: Logger
  ) async throws {
    let code = Int(rating.satisfaction.rawValue)
    let rules = try await RuleBook.load(on: connection, logger: logger)
    let minCode = Int(rules.parameter(RuleBook.Code.ratingDissatisfied, "min_code"))
    let anomalyID = "\(rating.caseNumber)/\(RuleBook.Code.ratingDissatisfied)"
    if rating.evaluation <= 1 {
      let region = try await region(of: rating.departmentID, policy, connection, logger)
      let day = CivilDate(chinaStandardTimeOf: rating.time.date).dayNumber
      let inserted = try await connection.query(
        """
        INSERT INTO ratings (case_number, department_id, region_code, day, first_code, code, void)
        VALUES (\(rating.caseNumber), \(rating.departmentID), \(region), \(day), \(code),
          \(code), false)
        ON CONFLICT (case_number) DO NOTHING RETURNING 1
        """, logger: logger
      ).collect()
      guard !inserted.isEmpty else { return }
      try await DailyFigures.ofRating(
        day: day, regionCode: region, departmentID: rating.departmentID, code: code, void: false
      ).apply(on: connection, logger: logger)
      guard code >= minCode, let rule = rules.enabled(RuleBook.Code.ratingDissatisfied) else {
        return
      }
      let calendar = try await calendars.calendar(on: connection, logger: logger)
      let kase = try await CaseLedger.load(rating.caseNumber, on: connection, logger: logger)
      var anomaly = try AnomalyStore.make(
        id: anomalyID, rule: rule, summary: "rated \(code) (\(rating.satisfaction))",
        evidence: [evidence], kase: kase?.kase, time: rating.time.date, calendar: calendar,
        policy: policy)
      if kase == nil {
        anomaly.caseNumber = rating.caseNumber
        anomaly.departmentID = rating.departmentID
        anomaly.regionCode = region
        anomaly.hallID = rating.hallID
        anomaly.windowID = rating.windowID
        anomaly.staffID = rating.staffID
      }
      try await AnomalyStore.insert(anomaly, on: connection, logger: logger)
      return
    }
    // A second evaluation [二次评价]: the code in force changes, and the rating anomaly is
    // re-graded (removed when the new code is no longer dissatisfied).
    let rows = try await connection.query(
      """
      SELECT department_id, region_code, day, code, void FROM ratings
      WHERE case_number = \(rating.caseNumber) FOR UPDATE
      """, logger: logger
    ).collect()
    guard let row = rows.first else { return }
    let (department, region, day, old, void) = try row.decode((String, String, Int, Int, Bool).self)
    guard old != code else { return }
    try await connection.query(
      "UPDATE ratings SET code = \(code) WHERE case_number = \(rating.caseNumber)", logger: logger)
    var figures = DailyFigures.ofRating(
      day: day, regionCode: region, departmentID: department, code: code, void: void)
    figures.add(
      DailyFigures.ofRating(
        day: day, regionCode: region, departmentID: department, code: old, void: void), sign: -1)
    try await figures.apply(on: connection, logger: logger)
    guard
      let anomaly = try await AnomalyStore.find(
        anomalyID, forUpdate: true, on: connection, logger: logger)
    else { return }
    var regraded = anomaly
    regraded.regradedTo = Int32(code)
    regraded.evidence.append(evidence)
    regraded.updateTime = rating.time
    if code < minCode, AnomalyStore.counts(anomaly.state) {
      regraded.state = .removed
      regraded.judgement = "re-graded by the applicant's second evaluation (\(code))"
    }
    try await AnomalyStore.update(
      regraded, from: anomaly, action: "regraded", at: rating.time.date, on: connection,
      logger: logger)
  }

  /// A rating confirmed mistaken or malicious on appeal in rating: it leaves the figures and
  /// so does its anomaly.
  static func voided(
    _ rating: Hall_Rating_V1_Rating, evidence: String, at instant: Date,
    on connection: PostgresConnection, logger: Logger
  ) async throws {
    let rows = try await connection.query(
      """
      SELECT department_id, region_code, day, first_code, code, void FROM ratings
      WHERE case_number = \(rating.caseNumber) FOR UPDATE
      """, logger: logger
    ).collect()
    guard let row = rows.first else { return }
    let (department, region, day, first, code, void) = try row.decode(
      (String, String, Int, Int, Int, Bool).self)
    guard !void else { return }
    // A void second evaluation puts the first rating back in force; a void first rating
    // takes the case out of the figure.
    let voidNow = rating.evaluation <= 1
    let newCode = voidNow ? code : first
    try await connection.query(
      "UPDATE ratings SET void = \(voidNow), code = \(newCode) WHERE case_number = \(rating.caseNumber)",
      logger: logger)
    var figures = DailyFigures.ofRating(
      day: day, regionCode: region, departmentID: department, code: newCode, void: voidNow)
    figures.add(
      DailyFigures.ofRating(
        day: day, regionCode: region, departmentID: department, code: code, void: false),
      sign: -1)
    try await figures.apply(on: connection, logger: logger)
    guard voidNow,
      let anomaly = try await AnomalyStore.find(
        "\(rating.caseNumber)/\(RuleBook.Code.ratingDissatisfied)", forUpdate: true,
        on: connection, logger: logger),
      AnomalyStore.counts(anomaly.state)
    else { return }
    var removed = anomaly
    removed.state = .removed
    removed.judgement = "the rating was voided on appeal in rating"
    removed.evidence.append(evidence)
    try await AnomalyStore.update(
      removed, from: anomaly, action: "regraded", at: instant, on: connection, logger: logger)
  }
}
