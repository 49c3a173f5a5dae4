import HallContracts
import HallctlKit

/// The afternoon in the back office: the promised material and the corrected copy arrive
/// online, the cases are decided and their licences delivered, applicants rate, and a
/// licence is denied with its reason.
extension DemoDay {
  func afternoon() async throws {
    step("afternoon: the back office decides, results go out, applicants rate")
    try await shortfallsSupplied()
    try await correctionsAnswered()
    try await hotelLicenceDenied()
  }

  /// The company uploads the promised certificate online: no second trip.
  func shortfallsSupplied() async throws {
    for var food in try await cases(Self.foodLicence, state: .accepted)
    where food.hasShortfall && !food.shortfall.hasSuppliedTime {
      food = try await intake.supplyShortfall(
        .step(on: food.caseNumber, key: Self.request()) {
          $0.materialIds = food.shortfall.materialIds
        }, metadata: people.company)
      food = try await approveAndDeliver(food, licence: "食品经营许可证")
      step("\(food.caseNumber) shortfall supplied, approved, licence delivered")
      try await rate(food.caseNumber, .verySatisfied, people.company, "容缺受理，少跑一趟")
    }
  }

  /// The applicant uploads the corrected copy online: no second trip.
  func correctionsAnswered() async throws {
    for var hygiene in try await cases(Self.hygieneLicence, state: .correctionRequested) {
      hygiene = try await intake.submitCorrection(
        .step(on: hygiene.caseNumber, key: Self.request()) { $0.materialIds = ["m4"] },
        metadata: people.zhang)
      // Complete now, the application is accepted; the clock starts from here.
      if hygiene.state == .received { hygiene = try await accept(hygiene) }
      hygiene = try await approveAndDeliver(hygiene, licence: "公共场所卫生许可证")
      step("\(hygiene.caseNumber) corrected, approved, licence delivered")
      try await rate(hygiene.caseNumber, .dissatisfied, people.zhang, "补正后等待时间较长")
    }
  }

  func hotelLicenceDenied() async throws {
    var hotel = try await submit(Self.hotelLicence, applicant: Self.zhang, leaving: [], ticket: "")
    hotel = try await accept(hotel)
    hotel = try await decide(hotel, approve: false, reason: "消防安全条件不符合旅馆业要求")
    step("\(hotel.caseNumber) \(Self.hotelLicence) denied with its reason")
  }
}
