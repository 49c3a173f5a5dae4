import HallContracts

/// How a case reads on a terminal: after a change, the few facts that change; for `get`,
/// everything an operator answering the applicant's question needs, timeline last.
enum CaseView {
  /// The Chinese term of a state, as halls and notices use it.
  static func state(_ state: CaseState) -> String {
    let terms: [CaseState: String] = [
      .received: "收件", .accepted: "受理", .refused: "不予受理", .correctionRequested: "补正",
      .inReview: "审查", .specialProcedure: "特别程序", .approved: "准予", .denied: "不予许可",
      .withdrawn: "撤回", .issued: "制证", .delivered: "送达", .escalated: "报批",
      .passedUp: "上报", .replied: "批复",
    ]
    let name = Format.state(state)
    return terms[state].map { "\(name) [\($0)]" } ?? name
  }

  static func due(_ kase: IntakeCase) -> String {
    guard kase.hasDeadline else { return "" }
    let due = Format.time(kase.deadline.dueTime)
    return kase.deadline.paused ? "\(due) (clock paused)" : due
  }

  /// A listing is for finding a case: one line each, the applicant's identifiers as the
  /// service masked them; `full` is for reading one.
  static func table(_ cases: [IntakeCase]) {
    Output.table(
      ["case", "item", "state", "applicant", "received", "due"],
      cases.map {
        [
          $0.caseNumber, $0.itemName, state($0.state),
          "\($0.applicant.name) \($0.applicant.idNumber)", Format.time($0.receiveTime), due($0),
        ]
      })
  }

  static func brief(_ kase: IntakeCase) {
    let last = kase.timeline.last
    Output.fields([
      ("case", kase.caseNumber), ("item", "\(kase.itemCode) \(kase.itemName)"),
      ("state", state(kase.state)), ("due", due(kase)),
      ("last step", last.map { "\($0.action) by \($0.actor) \(Format.time($0.time))" } ?? ""),
      ("note", last?.note ?? ""),
    ])
  }

  static func full(_ kase: IntakeCase) {
    Output.fields(facts(kase) + outcome(kase) + afterwards(kase))
    materials(kase)
    clock(kase)
    Output.history(
      kase.timeline.map {
        [
          Format.time($0.time), $0.action, Format.state($0.state),
          $0.actorRole.isEmpty ? $0.actor : "\($0.actor) (\($0.actorRole))", $0.note,
        ]
      })
  }

  /// Who applied for what, and where the case stands against its limit.
  private static func facts(_ kase: IntakeCase) -> [(String, String)] {
    let applicant = kase.applicant
    return [
      ("case", kase.caseNumber),
      ("item", "\(kase.itemCode) v\(kase.itemVersion) \(kase.itemName)"),
      ("state", state(kase.state)), ("category", Format.state(kase.category)),
      ("applicant", "\(applicant.name) \(applicant.idNumber) \(applicant.phone)"),
      (
        "agent",
        kase.hasAgent ? "\(kase.agent.agentName) (mandate \(kase.agent.mandateNumber))" : ""
      ),
      ("department", kase.departmentID),
      ("received", received(kase)),
      (
        "accepted",
        kase.acceptedBy.isEmpty ? "" : "\(Format.time(kase.acceptTime)) by \(kase.acceptedBy)"
      ),
      ("due", due(kase)),
      ("limit", limit(kase)),
      ("application", kase.applicationID), ("ticket", kase.ticketID),
    ]
  }

  /// What has been decided so far: only the parts that have happened.
  private static func outcome(_ kase: IntakeCase) -> [(String, String)] {
    var pairs: [(String, String)] = []
    if kase.hasShortfall {
      let shortfall = kase.shortfall
      pairs.append(
        (
          "shortfall",
          "\(shortfall.materialIds.joined(separator: ", ")) by "
            + Format.time(shortfall.supplementDeadline)
            + (shortfall.hasSuppliedTime ? ", supplied \(Format.time(shortfall.suppliedTime))" : "")
        ))
    }
    if kase.hasRefusal {
      pairs.append(("refused", "\(Format.state(kase.refusal.reason)): \(kase.refusal.detail)"))
    }
    if kase.hasDecision {
      let decision = kase.decision
      pairs.append(
        (
          "decision",
          "\(decision.approved ? "approved" : "denied") by \(decision.decidedBy) "
            + "\(Format.time(decision.time)) \(decision.reason)"
        ))
    }
    if kase.hasEscalation {
      pairs.append(("escalated", "to \(kase.escalation.toAuthority): \(kase.escalation.reason)"))
    }
    if kase.hasPassedTo {
      let there = kase.passedTo.caseNumber.isEmpty ? "" : " as \(kase.passedTo.caseNumber)"
      pairs.append(("passed up", "to \(kase.passedTo.deployment)\(there)"))
    }
    if kase.hasPassedFrom {
      pairs.append(
        ("passed from", "\(kase.passedFrom.deployment) as \(kase.passedFrom.caseNumber)"))
    }
    if kase.hasLicence {
      pairs.append(("licence", "\(kase.licence.number) \(kase.licence.name)"))
    }
    return pairs
  }

  /// The result's delivery, the fees charged and the visits the applicant made.
  private static func afterwards(_ kase: IntakeCase) -> [(String, String)] {
    [
      ("delivery", delivery(kase.delivery)),
      (
        "fees",
        kase.fees.map { fee in
          "\(Format.yuan(fee.amountFen)) receipt \(fee.receiptNumber)"
            + (fee.perStandard ? "" : " (not per the standard)")
        }.joined(separator: "; ")
      ),
      ("visits", "\(kase.visits.count) of at most \(kase.maxVisits)"),
    ]
  }

  /// The materials brought, then each correction notice with what it listed.
  private static func materials(_ kase: IntakeCase) {
    Output.line()
    Output.table(
      ["material", "name", "required", "status", "note"],
      kase.materials.map {
        [$0.materialID, $0.name, $0.required ? "yes" : "", Format.state($0.status), $0.note]
      })
    for notice in kase.correctionNotices {
      Output.line()
      let answered =
        notice.hasCorrectedTime ? "corrected \(Format.time(notice.correctedTime))" : "outstanding"
      Output.line("notice \(notice.noticeNumber) \(Format.time(notice.issueTime)), \(answered)")
      Output.table(
        ["material", "name", "problem", "detail"],
        notice.items.map { [$0.materialID, $0.materialName, Format.state($0.problem), $0.detail] })
    }
  }

  /// The deadline's ledger: pauses, special procedures and extensions, when there are any.
  private static func clock(_ kase: IntakeCase) {
    guard !kase.deadline.ledger.isEmpty else { return }
    Output.line()
    Output.table(
      ["clock", "from", "to", "days", "reason", "result"],
      kase.deadline.ledger.map {
        [
          Format.state($0.kind), Format.time($0.startTime), Format.time($0.endTime),
          $0.workingDays == 0 ? "" : "+\($0.workingDays)", $0.reason, $0.result,
        ]
      })
  }

  private static func received(_ kase: IntakeCase) -> String {
    var text = "\(Format.time(kase.receiveTime)) via \(Format.state(kase.channel))"
    if !kase.hallID.isEmpty { text += " at \(kase.hallID)/\(kase.windowID)" }
    if !kase.receivedBy.isEmpty { text += " by \(kase.receivedBy)" }
    return text
  }

  private static func limit(_ kase: IntakeCase) -> String {
    guard kase.hasDeadline else { return "" }
    let deadline = kase.deadline
    var text = "\(deadline.budgetWorkingDays) working days promised"
    if deadline.extensionWorkingDays > 0 { text += " + \(deadline.extensionWorkingDays) extended" }
    return text + " (statutory \(deadline.statutoryWorkingDays))"
  }

  private static func delivery(_ delivery: Delivery) -> String {
    var text = Format.state(delivery.method)
    if !delivery.address.isEmpty { text += " to \(delivery.address)" }
    if delivery.hasDeliveredTime {
      text += ", delivered \(Format.time(delivery.deliveredTime)) \(delivery.reference)"
    }
    return text
  }
}
