import Foundation
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// A case as stored: its record and how many counted red anomalies it has.
struct StoredCase {
  var kase: SupervisedCase
  var redAnomalies: Int
  /// The trace of the last change a feed or a call made to the case (W3C `traceparent`),
  /// which what the timer later raises on it continues (OPS-3).
  var traceparent: String? = nil
}

/// Judges a new fact about a case (SUP-2, SUP-3) — from a feed, a report or the timer — at
/// an instant: derives its due and warning times and its cards, runs the rules, and works out
/// what changes in the figures and what is announced. Pure: ``CaseLedger`` writes the outcome.
struct CaseJudge {
  let rules: SupervisionRules
  let book: RuleBook
  let calendar: WorkingCalendar

  /// What judging one case produced, before anything is written.
  struct Outcome {
    var kase: SupervisedCase
    /// When the timer next has something to raise on it.
    var next: Date?
    var figures: DailyFigures
    var events: [Outbox.Entry]
    var anomalies: [Anomaly]
  }

  /// Judges `facts` (what the source says now) over `old`, at `instant`. `refusalReason` is
  /// nil when the source says nothing about it (the timer).
  func judge(
    _ facts: SupervisedCase, old: StoredCase?, refusalReason: String?, evidence: String,
    at instant: Date
  ) throws -> Outcome {
    var kase = facts
    if let old {
      if old.kase.hasYellowCardTime { kase.yellowCardTime = old.kase.yellowCardTime }
      if old.kase.hasRedCardTime { kase.redCardTime = old.kase.redCardTime }
    }
    try setTimes(&kase)
    let nextCard = CaseTimeliness.evaluate(&kase, at: instant)
    let (findings, nextStep) = try CaseRules.findings(
      kase, refusalReason: refusalReason, at: instant, book: book, calendar: calendar)
    var figures = DailyFigures.of(kase, redAnomalies: old?.redAnomalies ?? 0)
    if let old { figures.add(DailyFigures.of(old.kase, redAnomalies: old.redAnomalies), sign: -1) }
    return Outcome(
      kase: kase, next: [nextCard, nextStep].compactMap { $0 }.min(), figures: figures,
      events: cards(kase, old: old?.kase, at: instant),
      anomalies: try raise(findings, on: kase, evidence: evidence, at: instant))
  }

  /// Sets the due time of a reported case and the warning time of any case with a due time.
  func setTimes(_ kase: inout SupervisedCase) throws {
    if kase.source != .feed {
      // A reported case's due time is its promised limit from acceptance (an on-the-spot
      // item: the close of the day received), derived with the calendar in force.
      kase.clearDueTime()
      let onTheSpot = kase.caseKind == .onTheSpot
      if onTheSpot || kase.hasAcceptTime {
        let from = onTheSpot ? kase.receiveTime.date : kase.acceptTime.date
        kase.dueTime = .init(
          date: try calendar.dueTime(after: Int(kase.promisedWorkingDays), from: from))
      }
    }
    kase.clearWarningTime()
    if kase.hasDueTime {
      let start = kase.hasAcceptTime ? kase.acceptTime.date : kase.receiveTime.date
      if let warning = try CaseTimeliness.warningTime(
        of: kase, start: start, rules: rules, calendar: calendar)
      {
        kase.warningTime = .init(date: warning)
      }
    }
  }

  /// The cards `kase` earned since `old`, announced.
  func cards(_ kase: SupervisedCase, old: SupervisedCase?, at instant: Date) -> [Outbox.Entry] {
    var events: [Outbox.Entry] = []
    if kase.hasYellowCardTime, old?.hasYellowCardTime != true {
      events.append(SupervisionEvent.yellowCard.entry(kase.caseNumber, kase, at: instant))
    }
    if kase.hasRedCardTime, old?.hasRedCardTime != true {
      events.append(SupervisionEvent.redCard.entry(kase.caseNumber, kase, at: instant))
    }
    return events
  }

  /// The anomalies of the findings whose rule is on: one per rule and case, an overdue one
  /// raised when the case fell due.
  func raise(
    _ findings: [CaseRules.Finding], on kase: SupervisedCase, evidence: String, at instant: Date
  ) throws -> [Anomaly] {
    try findings.compactMap { finding in
      guard let rule = book.enabled(finding.code) else { return nil }
      let time = finding.code == RuleBook.Code.overdue ? kase.redCardTime.date : instant
      return try Anomalies.raise(
        id: "\(kase.caseNumber)/\(finding.code)", rule: rule, summary: finding.summary,
        evidence: [evidence], kase: kase, time: time, calendar: calendar, rules: rules)
    }
  }
}
