public import Foundation
public import HallCalendar
public import HallContracts
import SwiftProtobuf

/// Civil dates between the contract and the calendar library. Days are stored as day
/// numbers (days since 1970-01-01) so that no time zone is ever involved in storage.
public enum Days {
  public static func today(now: Date) -> CivilDate {
    CivilDate(chinaStandardTimeOf: now)
  }

  public static func proto(_ date: CivilDate) -> Hall_Common_V1_CivilDate {
    .with {
      $0.year = Int32(date.year)
      $0.month = Int32(date.month)
      $0.day = Int32(date.day)
    }
  }

  public static func isUnset(_ date: Hall_Common_V1_CivilDate) -> Bool {
    date.year == 0 && date.month == 0 && date.day == 0
  }

  public static func civil(_ date: Hall_Common_V1_CivilDate, field: String) throws(ServiceError)
    -> CivilDate
  {
    do {
      return try CivilDate(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    } catch {
      throw .invalidArgument(
        field: field, message: "\(date.year)-\(date.month)-\(date.day) is not a calendar date")
    }
  }

  /// The date as yyyy-MM-dd, for messages.
  public static func text(_ date: Hall_Common_V1_CivilDate) -> String {
    String(format: "%04d-%02d-%02d", Int(date.year), Int(date.month), Int(date.day))
  }
}
