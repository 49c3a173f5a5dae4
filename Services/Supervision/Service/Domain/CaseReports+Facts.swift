import Foundation
import HallContracts
import SwiftProtobuf

/// What supervision keeps of a good record (SUP-9): the facts of a supervised case, as its
/// own record would have them had it come from intake's feed.
extension CaseReports {
  static func facts(of report: CaseReport, item: Item, region: String, newest: Date)
    -> SupervisedCase
  {
    .with {
      $0.caseNumber = report.caseNumber
      $0.itemCode = report.itemCode
      $0.itemName = item.name
      $0.departmentID = report.departmentID
      $0.regionCode = report.regionCode.isEmpty ? region : report.regionCode
      $0.hallID = report.hallID
      $0.windowID = report.windowID
      $0.staffID = report.staffID
      $0.state = report.state
      $0.caseKind = report.caseKind
      $0.promisedWorkingDays = report.promisedWorkingDays
      $0.receiveTime = report.receiveTime
      if let accept = report.acceptInstant { $0.acceptTime = .init(date: accept) }
      if report.hasCompletionTime { $0.completionTime = report.completionTime }
      $0.open =
        !report.isDecided && ![IntakeState.refused, IntakeState.withdrawn].contains(report.state)
      $0.visits = report.visits
      $0.maxVisits = item.maxVisits
      $0.feeChargedFen = report.feeChargedFen
      // Without a standard in the record, a fee charged is held to the item's.
      $0.feeStandardFen =
        report.feeStandardFen == 0 && report.feeChargedFen > 0 ? item.feeFen : report.feeStandardFen
      $0.waitSeconds = report.waitSeconds
      $0.timeline = timeline(of: report, newest: newest)
      $0.updateTime = .init(date: newest)
    }
  }

  /// The stages the record tells, as timeline entries; a refusal or a withdrawal at its
  /// newest time.
  static func timeline(of report: CaseReport, newest: Date) -> [TimelineEntry] {
    var timeline = [entry(report.receiveTime, .received, IntakeState.received)]
    if let accept = report.acceptInstant, report.state != IntakeState.refused {
      timeline.append(entry(.init(date: accept), .accepted, IntakeState.accepted))
    }
    if report.state == IntakeState.refused || report.state == IntakeState.withdrawn {
      let action: TimelineAction = report.state == IntakeState.refused ? .refused : .withdrawn
      timeline.append(
        entry(.init(date: newest), action, report.state, note: report.refusalReason))
    }
    if report.hasCompletionTime {
      let state = report.state == IntakeState.denied ? IntakeState.denied : IntakeState.approved
      timeline.append(
        entry(report.completionTime, .decided, state, note: report.refusalReason))
    }
    if report.hasDeliveryTime {
      timeline.append(entry(report.deliveryTime, .delivered, IntakeState.delivered))
    }
    return timeline
  }

  private static func entry(
    _ time: Google_Protobuf_Timestamp, _ action: TimelineAction, _ state: Int32,
    note: String = ""
  ) -> TimelineEntry {
    .with {
      $0.time = time
      $0.action = action.rawValue
      $0.state = state
      $0.note = note
    }
  }
}
