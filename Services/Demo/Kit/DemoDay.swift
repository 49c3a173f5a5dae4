import Foundation
import HallCalendar
import HallContracts
import HallctlKit
import SwiftProtobuf

/// The script of the demonstration day, step by step through the contracts.
struct DemoDay {
  let catalog: CatalogServiceClient
  let intake: IntakeServiceClient
  let rating: RatingServiceClient
  let supervision: SupervisionServiceClient
  let people: DemoPeople
  /// The hall's time: the machine's, or a training hall's (HALL_CLOCK_OFFSET_SECONDS).
  let clock: WallClock

  static let window = "W01"
  static let foodLicence = "HL-SCJG-004"
  static let companyRegistration = "HL-SCJG-001"
  static let hygieneLicence = "HL-WJW-001"
  static let hotelLicence = "HL-GA-001"
  static let pesticideLicence = "HL-NYNC-001"
  static let restaurantBundle = "HL-YJS-03"

  static let company = Applicant.with {
    $0.kind = .legalPerson
    $0.idNumber = DemoPeople.companyID
    $0.name = "濮阳市好味餐饮管理有限公司"
    $0.phone = "13903930001"
    $0.contactName = "王经理"
  }
  static let zhang = Applicant.with {
    $0.kind = .citizen
    $0.idNumber = DemoPeople.zhangID
    $0.name = "张伟"
    $0.phone = "13803930002"
  }
  static let li = Applicant.with {
    $0.kind = .citizen
    $0.idNumber = DemoPeople.liID
    $0.name = "李娜"
    $0.phone = "13703930003"
  }

  func step(_ text: String) {
    let time = Format.time(.init(date: clock.now))
    Output.line("\(time)  \(text)")
  }

  static func request() -> String { UUID().uuidString }

  /// Plays `body` against the four services where their variables say: the day's people
  /// carry their own tokens, so the connections carry none.
  static func with(
    people: DemoPeople, clock: WallClock, _ body: (DemoDay) async throws -> Void
  ) async throws {
    try await ServiceCall.with(token: nil) { (catalog: CatalogServiceClient) in
      try await ServiceCall.with(token: nil) { (intake: IntakeServiceClient) in
        try await ServiceCall.with(token: nil) { (rating: RatingServiceClient) in
          try await ServiceCall.with(token: nil) { (supervision: SupervisionServiceClient) in
            try await body(
              DemoDay(
                catalog: catalog, intake: intake, rating: rating, supervision: supervision,
                people: people, clock: clock))
          }
        }
      }
    }
  }
}
