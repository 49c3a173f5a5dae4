import HallContracts

/// Intake's case states as supervision's records carry them: numbers (hall.intake.v1.CaseState),
/// because a department's own system reports cases too and speaks numbers, not intake's enum.
/// Named here once, so that no rule compares against a bare 21.
enum IntakeState {
  static let received = code(.received)
  static let accepted = code(.accepted)
  static let refused = code(.refused)
  static let approved = code(.approved)
  static let denied = code(.denied)
  static let withdrawn = code(.withdrawn)
  static let delivered = code(.delivered)

  private static func code(_ state: Hall_Intake_V1_CaseState) -> Int32 { Int32(state.rawValue) }
}
