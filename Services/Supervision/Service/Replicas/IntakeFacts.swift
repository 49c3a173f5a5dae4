import HallContracts
import HallServer
import SwiftProtobuf

/// An intake case as supervision's record of it (SUP-1): the facts the rules judge.
enum IntakeFacts {
  static func of(_ intakeCase: IntakeCase, regionCode: String, waitSeconds: Int64)
    throws(FeeTotalError) -> SupervisedCase
  {
    var kase = SupervisedCase.with {
      $0.caseNumber = intakeCase.caseNumber
      $0.itemCode = intakeCase.itemCode
      $0.itemName = intakeCase.itemName
      $0.departmentID = intakeCase.departmentID
      $0.regionCode = regionCode
      $0.hallID = intakeCase.hallID
      $0.windowID = intakeCase.windowID
      $0.staffID = intakeCase.acceptedBy.isEmpty ? intakeCase.receivedBy : intakeCase.acceptedBy
      $0.source = .feed
      $0.state = IntakeState.code(intakeCase.state)
      $0.caseKind =
        intakeCase.category == .onTheSpot || intakeCase.caseKind == .onTheSpot
        ? .onTheSpot : .promised
      $0.promisedWorkingDays = intakeCase.deadline.budgetWorkingDays
      $0.receiveTime = intakeCase.receiveTime
      if intakeCase.hasAcceptTime { $0.acceptTime = intakeCase.acceptTime }
      if intakeCase.hasDeadline, !intakeCase.deadline.paused, intakeCase.deadline.hasDueTime {
        $0.dueTime = intakeCase.deadline.dueTime
      }
      if intakeCase.hasPassedTo {
        // Passed up (FED-4): the decision is the level above's, and each leg has a limit of
        // its own (the reply, then the issue and delivery here), so the case is watched
        // until it is finished here.
        if intakeCase.state.isFinal { $0.completionTime = intakeCase.finishTime }
        $0.open = !intakeCase.state.isFinal
      } else {
        if intakeCase.hasDecision { $0.completionTime = intakeCase.decision.time }
        $0.open = !intakeCase.hasDecision && !intakeCase.state.leftWithoutDecision
      }
      $0.visits = Int32(intakeCase.visits.count)
      // An item that needs no visit [不见面审批] may still be brought to a window by an
      // applicant's own choice: that first visit is not the hall's doing.
      $0.maxVisits =
        intakeCase.channel == .window ? max(intakeCase.maxVisits, 1) : intakeCase.maxVisits
      $0.waitSeconds = waitSeconds
      $0.timeline = intakeCase.timeline.map(entry)
      $0.updateTime = intakeCase.updateTime
    }
    try setFees(&kase, of: intakeCase)
    return kase
  }

  /// The fees charged, and the standard they are held to: a fee per a varying standard (0)
  /// is its own standard.
  static func setFees(_ kase: inout SupervisedCase, of intakeCase: IntakeCase)
    throws(FeeTotalError)
  {
    kase.feeChargedFen = try FeeTotalError.sum(intakeCase.fees.map(\.amountFen), case: intakeCase)
    kase.feeStandardFen = try FeeTotalError.sum(
      intakeCase.fees.map { $0.perStandard ? $0.amountFen : $0.standardAmountFen },
      case: intakeCase)
  }

  static func entry(_ entry: IntakeTimelineEntry) -> TimelineEntry {
    .with {
      $0.time = entry.time
      $0.action = entry.action
      $0.state = IntakeState.code(entry.state)
      $0.actor = entry.actor
      $0.note = entry.note
    }
  }

  /// The reason given for a refusal or a denial; nil for other states.
  static func refusalReason(_ intakeCase: IntakeCase) -> String? {
    switch intakeCase.state {
    case .refused:
      intakeCase.refusal.reason == .unspecified
        ? intakeCase.refusal.detail : "\(intakeCase.refusal.reason)"
    case .denied: intakeCase.decision.reason
    default: nil
    }
  }
}

/// A case whose fees no real charge can add up to: negative, or past what 64 bits hold. The
/// event is refused (and parked by the feed consumer), never summed into a trap.
struct FeeTotalError: Error, CustomStringConvertible {
  let caseNumber: String
  var description: String { "case \(caseNumber) has fees that cannot be summed" }

  static func sum(_ amounts: [Int64], case kase: IntakeCase) throws(FeeTotalError) -> Int64 {
    var total: Int64 = 0
    for amount in amounts {
      let (next, overflow) = total.addingReportingOverflow(amount)
      guard amount >= 0, !overflow else { throw FeeTotalError(caseNumber: kase.caseNumber) }
      total = next
    }
    return total
  }
}
