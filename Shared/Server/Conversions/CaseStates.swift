public import HallContracts

/// What a case's state means to each service, defined once (INT-4, RAT-1, SUP-2).
extension Hall_Intake_V1_CaseState {
  /// Nothing more happens to the case in this deployment.
  public var isFinal: Bool {
    switch self {
    case .refused, .denied, .withdrawn, .delivered, .escalated, .replied: true
    default: false
    }
  }

  /// Finished with an outcome the applicant can rate (RAT-1): delivered, denied or refused.
  public var isRateable: Bool {
    self == .delivered || self == .denied || self == .refused
  }

  /// Left the deployment without a decision of its own, which stops its clock (SUP-2).
  public var leftWithoutDecision: Bool {
    self == .refused || self == .withdrawn || self == .escalated
  }
}
