import HallContracts

/// Intake's case states as supervision's records carry them: numbers (hall.intake.v1.CaseState),
/// because a department's own system reports cases too and speaks numbers, not intake's enum.
/// Named here once, for the report checks and the rules alike, so that no rule compares
/// against a bare 21.
enum IntakeState {
  static let received = code(.received)
  static let accepted = code(.accepted)
  static let refused = code(.refused)
  static let approved = code(.approved)
  static let denied = code(.denied)
  static let withdrawn = code(.withdrawn)
  static let issued = code(.issued)
  static let delivered = code(.delivered)

  /// The states a department may report a case in (SUP-9).
  static let reportable: Set<Int32> = [
    received, accepted, refused, approved, denied, withdrawn, delivered,
  ]

  static func code(_ state: IntakeCaseState) -> Int32 { Int32(state.rawValue) }
}
