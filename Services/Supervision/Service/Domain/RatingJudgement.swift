import Foundation
import HallCalendar
import HallContracts
import SwiftProtobuf

/// A case's rating as supervision keeps it (SUP-7): the row of the first rating's day,
/// region and department it counts in, and the code in force (a second evaluation's when
/// there is one); a void rating counts for nothing.
struct RatingRecord: Equatable {
  var key: DailyFigures.Key
  var firstCode: Int
  var code: Int
  var void: Bool

  var figures: DailyFigures { DailyFigures.ofRating(key, code: code, void: void) }
}

/// What ratings and marks raise (SUP-3, SUP-5): an anomaly for a dissatisfied rating,
/// re-graded by a second evaluation and removed with a rating voided on appeal in rating, and
/// one for each attitude mark "bad".
enum RatingJudgement {
  /// The id of a case's rating anomaly: one per case, whatever the evaluations.
  static func dissatisfiedID(_ caseNumber: String) -> String {
    "\(caseNumber)/\(RuleBook.Code.ratingDissatisfied)"
  }

  /// The lowest satisfaction code (1 very satisfied … 5 very dissatisfied) that is dissatisfied.
  static func minCode(_ book: RuleBook) -> Int {
    Int(book.parameter(RuleBook.Code.ratingDissatisfied, "min_code"))
  }

  /// RATING_DISSATISFIED on a first rating, placed on its case when supervision has it,
  /// else where the rating says.
  static func dissatisfied(
    _ rating: Rating, rule: Rule, kase: SupervisedCase?, regionCode: String, evidence: String,
    calendar: WorkingCalendar, rules: SupervisionRules
  ) throws -> Anomaly {
    let code = Int(rating.satisfaction.rawValue)
    var anomaly = try Anomalies.raise(
      id: dissatisfiedID(rating.caseNumber), rule: rule,
      summary: "rated \(code) (\(rating.satisfaction))", evidence: [evidence], kase: kase,
      time: rating.time.date, calendar: calendar, rules: rules)
    if kase == nil {
      anomaly.place(
        at: .init(
          caseNumber: rating.caseNumber, departmentID: rating.departmentID,
          regionCode: regionCode, hallID: rating.hallID, windowID: rating.windowID,
          staffID: rating.staffID))
    }
    return anomaly
  }

  /// ATTITUDE_BAD for an attitude mark.
  static func attitudeBad(
    _ mark: RatingMark, rule: Rule, regionCode: String, evidence: String,
    calendar: WorkingCalendar, rules: SupervisionRules
  ) throws -> Anomaly {
    var anomaly = try Anomalies.raise(
      id: "\(mark.id)/\(rule.code)", rule: rule, summary: "attitude bad: \(mark.evidence)",
      evidence: [evidence], kase: nil, time: mark.time.date, calendar: calendar, rules: rules)
    anomaly.place(
      at: .init(
        departmentID: mark.departmentID, regionCode: regionCode, hallID: mark.hallID,
        windowID: mark.windowID, staffID: mark.staffID))
    return anomaly
  }

  /// The rating anomaly after a second evaluation [二次评价] to `code`: removed when the new
  /// code is no longer dissatisfied.
  static func regraded(
    _ anomaly: Anomaly, code: Int, minCode: Int, evidence: String,
    at time: Google_Protobuf_Timestamp
  ) -> Anomaly {
    var regraded = anomaly
    regraded.regradedTo = Int32(code)
    regraded.evidence.append(evidence)
    regraded.updateTime = time
    if code < minCode, Anomalies.counts(anomaly.state) {
      regraded.state = .removed
      regraded.judgement = "re-graded by the applicant's second evaluation (\(code))"
    }
    return regraded
  }

  /// The rating anomaly once its rating is voided on appeal in rating: it leaves the figures.
  static func voided(_ anomaly: Anomaly, evidence: String) -> Anomaly {
    var removed = anomaly
    removed.state = .removed
    removed.judgement = "the rating was voided on appeal in rating"
    removed.evidence.append(evidence)
    return removed
  }

  /// The record after a rating is voided: a void second evaluation puts the first rating back
  /// in force; a void first rating takes the case out of the figure.
  static func voiding(_ record: RatingRecord, firstRating: Bool) -> RatingRecord {
    var voided = record
    voided.void = firstRating
    voided.code = firstRating ? record.code : record.firstCode
    return voided
  }
}

extension DailyFigures {
  /// These counters less `other`'s: what a record's change from `other` moves.
  func minus(_ other: DailyFigures) -> DailyFigures {
    var difference = self
    difference.add(other, sign: -1)
    return difference
  }
}
