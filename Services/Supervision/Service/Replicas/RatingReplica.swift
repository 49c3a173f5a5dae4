import Foundation
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import PostgresNIO
import SwiftProtobuf

/// What supervision takes from rating's feed (SUP-1, SUP-3, SUP-5): each case's rating in
/// force for the satisfaction figure, an anomaly for a dissatisfied rating (re-graded by a
/// second evaluation), the rating voided by an upheld appeal in rating, and an anomaly for
/// each attitude mark "bad" (``RatingJudgement``).
struct RatingReplica {
  /// Rating's event types this replica applies; every other one it follows is a bad review's.
  enum EventType: String {
    case ratingGiven = "rating.rating.given"
    case markRecorded = "rating.mark.recorded"
  }

  static let eventTypes = [
    EventType.ratingGiven.rawValue, "rating.bad_review.", EventType.markRecorded.rawValue,
  ]

  let rules: SupervisionRules
  let calendars: CalendarSource
  /// The district whose rating this is, for a city's supervision; nil for its own.
  var district: DistrictLink? = nil

  func apply(_ event: FeedEvent, on db: Database) async throws {
    let evidence = "\(event.producer)#\(event.cursor) \(event.type)"
    switch EventType(rawValue: event.type) {
    case .ratingGiven:
      let rating = try Rating(unpackingAny: event.payload)
      try district?.check(rating.caseNumber, "rating's case")
      try await given(rating, evidence: evidence, on: db)
    case .markRecorded:
      let mark = try RatingMark(unpackingAny: event.payload)
      try district?.check(mark.id, "mark")
      try await marked(mark, evidence: evidence, on: db)
    case nil:
      let review = try BadReview(unpackingAny: event.payload)
      try district?.check(review.rating.caseNumber, "bad review's case")
      guard review.state == .void else { return }
      try await voided(review.rating, evidence: evidence, at: event.occurredAt.date, on: db)
    }
  }

  /// Where a record counts: a district's region for what its link brings, else by its
  /// department (``SupervisionRules/region(ofDepartmentIn:)``), as its case does.
  func region(of department: String, on db: Database) async throws -> String {
    if let district { return district.regionCode }
    return rules.region(ofDepartmentIn: try await CatalogReplica(db: db).region(of: department))
  }

  /// An attitude mark "bad" raises ATTITUDE_BAD where it was given.
  func marked(_ mark: RatingMark, evidence: String, on db: Database) async throws {
    guard mark.kind == .attitude else { return }
    guard let rule = try await RuleStore(db: db).book().enabled(RuleBook.Code.attitudeBad)
    else { return }
    let calendar = try await calendars.calendar(on: db)
    let region = try await region(of: mark.departmentID, on: db)
    let anomaly = try RatingJudgement.attitudeBad(
      mark, rule: rule, regionCode: region, evidence: evidence,
      calendar: calendar, rules: rules)
    try await AnomalyStore(db: db).insert(anomaly)
  }

  func given(_ rating: Rating, evidence: String, on db: Database) async throws {
    let book = try await RuleStore(db: db).book()
    if rating.evaluation <= 1 {
      try await firstRating(rating, book: book, evidence: evidence, on: db)
    } else {
      try await secondEvaluation(rating, book: book, evidence: evidence, on: db)
    }
  }

  /// A case's first rating counts in the figures once; a dissatisfied one raises
  /// RATING_DISSATISFIED.
  func firstRating(_ rating: Rating, book: RuleBook, evidence: String, on db: Database)
    async throws
  {
    let code = Int(rating.satisfaction.rawValue)
    let region = try await region(of: rating.departmentID, on: db)
    let day = CivilDate(chinaStandardTimeOf: rating.time.date).dayNumber
    let record = RatingRecord(
      key: .init(day: day, regionCode: region, departmentID: rating.departmentID),
      firstCode: code, code: code, void: false)
    guard try await Ratings(db: db).insert(rating.caseNumber, record) else { return }
    try await FigureStore(db: db).add(record.figures)
    guard code >= RatingJudgement.minCode(book),
      let rule = book.enabled(RuleBook.Code.ratingDissatisfied)
    else { return }
    let calendar = try await calendars.calendar(on: db)
    let kase = try await CaseStore(db: db).lock(rating.caseNumber)
    let anomaly = try RatingJudgement.dissatisfied(
      rating, rule: rule, kase: kase?.kase, regionCode: region, evidence: evidence,
      calendar: calendar, rules: rules)
    try await AnomalyStore(db: db).insert(anomaly)
  }

  /// A second evaluation [二次评价]: the code in force changes, and the rating anomaly is
  /// re-graded.
  func secondEvaluation(_ rating: Rating, book: RuleBook, evidence: String, on db: Database)
    async throws
  {
    let code = Int(rating.satisfaction.rawValue)
    let ratings = Ratings(db: db)
    guard let old = try await ratings.lock(rating.caseNumber), old.code != code else { return }
    var new = old
    new.code = code
    try await ratings.save(rating.caseNumber, new)
    try await FigureStore(db: db).add(new.figures.minus(old.figures))
    let anomalies = AnomalyStore(db: db)
    let id = RatingJudgement.dissatisfiedID(rating.caseNumber)
    guard let anomaly = try await anomalies.find(id, forUpdate: true) else { return }
    let regraded = RatingJudgement.regraded(
      anomaly, code: code, minCode: RatingJudgement.minCode(book), evidence: evidence,
      at: rating.time)
    try await anomalies.update(
      regraded, from: anomaly, event: .anomalyRegraded, at: rating.time.date)
  }

  /// A rating confirmed mistaken or malicious on appeal in rating: it leaves the figures and
  /// so does its anomaly.
  func voided(_ rating: Rating, evidence: String, at instant: Date, on db: Database)
    async throws
  {
    let ratings = Ratings(db: db)
    guard let old = try await ratings.lock(rating.caseNumber), !old.void else { return }
    let firstRating = rating.evaluation <= 1
    let new = RatingJudgement.voiding(old, firstRating: firstRating)
    try await ratings.save(rating.caseNumber, new)
    try await FigureStore(db: db).add(new.figures.minus(old.figures))
    let anomalies = AnomalyStore(db: db)
    let id = RatingJudgement.dissatisfiedID(rating.caseNumber)
    guard firstRating, let anomaly = try await anomalies.find(id, forUpdate: true),
      Anomalies.counts(anomaly.state)
    else { return }
    try await anomalies.update(
      RatingJudgement.voided(anomaly, evidence: evidence), from: anomaly,
      event: .anomalyRegraded, at: instant)
  }
}

extension RatingReplica {
  /// Each case's rating as it stands (``RatingRecord``).
  struct Ratings {
    let db: Database

    /// Stores a case's first rating; false when the case has one already.
    func insert(_ caseNumber: String, _ record: RatingRecord) async throws -> Bool {
      let rows = try await db.query(
        """
        INSERT INTO ratings (case_number, department_id, region_code, day, first_code, code, void)
        VALUES (\(caseNumber), \(record.key.departmentID), \(record.key.regionCode),
          \(record.key.day), \(record.firstCode), \(record.code), \(record.void))
        ON CONFLICT (case_number) DO NOTHING RETURNING 1
        """)
      return !rows.isEmpty
    }

    func lock(_ caseNumber: String) async throws -> RatingRecord? {
      let rows = try await db.query(
        """
        SELECT department_id, region_code, day, first_code, code, void FROM ratings
        WHERE case_number = \(caseNumber) FOR UPDATE
        """)
      return try rows.first.map { row in
        let (department, region, day, first, code, void) = try row.decode(
          (String, String, Int, Int, Int, Bool).self)
        return RatingRecord(
          key: .init(day: day, regionCode: region, departmentID: department), firstCode: first,
          code: code, void: void)
      }
    }

    /// Stores the code in force and whether the rating is void.
    func save(_ caseNumber: String, _ record: RatingRecord) async throws {
      _ = try await db.query(
        """
        UPDATE ratings SET code = \(record.code), void = \(record.void)
        WHERE case_number = \(caseNumber)
        """)
    }
  }
}
