import Foundation
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Receipt of an application (INT-1): the new case as it stands before any decision, and the
/// numbers the deployment gives cases, applications and tickets.
enum Receipt {
  /// A received case of `version`, not stored yet: of a single case, or of one member of a
  /// one-thing application (with the materials and form fields that member asks for).
  static func newCase(
    version: ItemVersion, caseNumber: String, request: some ApplicationRequest,
    provided: Set<String>, form: [String: String], applicationID: String = "",
    by principal: Principal, now: Date
  ) -> Case {
    var kase = Case.with {
      $0.caseNumber = caseNumber
      $0.itemCode = version.itemCode
      $0.channel = request.channel
      $0.applicant = request.applicant
      if let agent = request.mandate { $0.agent = agent }
      $0.state = .received
      $0.receiveTime = .init(date: now)
      $0.receivedBy = principal.subject
      $0.form = form
      $0.delivery = request.delivery
      $0.applicationID = applicationID
      if principal.role == .clerk {
        $0.hallID = principal.hallID ?? ""
        $0.windowID = request.windowID
      }
    }
    Acceptance.adopt(version, into: &kase, provided: provided)
    if request.channel == .window { recordVisit(&kase, purpose: "提交申请", by: principal, now: now) }
    return kase
  }

  /// A trip the applicant made to the hall for the case (INT-9).
  static func recordVisit(_ kase: inout Case, purpose: String, by principal: Principal, now: Date) {
    kase.visits.append(
      .with {
        $0.time = .init(date: now)
        $0.purpose = purpose
        $0.recordedBy = principal.subject
      })
  }

  /// A case number: the deployment's prefix in the network (``DeploymentIdentity/idPrefix``),
  /// the item code, the receipt day and `sequence`, a value of the deployment-wide
  /// case_number_sequence.
  static func caseNumber(
    prefix: String = "", itemCode: String, at instant: Date, sequence: Int64
  ) -> String {
    "\(prefix)\(itemCode)-\(compactDay(instant))-\(String(format: "%06lld", sequence))"
  }

  /// A one-thing application's id: the prefix, the bundle code, the day and a
  /// deployment-wide sequence.
  static func applicationID(
    prefix: String = "", bundleCode: String, at instant: Date, sequence: Int64
  ) -> String {
    "\(prefix)\(bundleCode)-\(compactDay(instant))-\(String(format: "%06lld", sequence))"
  }

  /// yyyyMMdd in China Standard Time.
  static func compactDay(_ instant: Date) -> String {
    let day = Days.today(now: instant)
    return String(format: "%04d%02d%02d", day.year, day.month, day.day)
  }
}
