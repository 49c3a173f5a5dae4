import HallCalendar
import Foundation
import GRPCCore
import HallContracts
import SwiftProtobuf
import HallTestSupport
import Testing

@testable import CatalogService

/// CAT-10 through the contract: shipped years, adding a year, refusals, due times.
@Suite("Working calendar service (CAT-10)")
struct CalendarServiceTests {
  @Test("2025 and 2026 are shipped; a due time crosses the Spring Festival")
  func shipped() async throws {
    try await CatalogFixture.with { catalog in
      let years = try await catalog.anonymous.listCalendarYears(.init())
      #expect(years.years.map(\.year) == [2025, 2026])
      #expect(years.years.map(\.workingDayCount) == [248, 248])
      // Thursday 2026-02-12 10:00 CST + 3 working days: 02-13 (Fri), 02-14 (make-up
      // Saturday), then the holiday until 02-23, so 02-24 17:00.
      let start = Date(timeIntervalSince1970: 1_770_861_600)  // 2026-02-12T02:00:00Z
      let due = try await catalog.anonymous.computeDueTime(
        .with {
          $0.startTime = .init(date: start)
          $0.workingDays = 3
        })
      #expect(due.dueTime.seconds == 1_771_923_600)  // 2026-02-24T09:00:00Z = 17:00 CST
      #expect(due.calendarDefined)
      let elapsed = try await catalog.anonymous.countWorkingDays(
        .with {
          $0.startTime = .init(date: start)
          $0.endTime = due.dueTime
        })
      #expect(elapsed.workingDays == 3)
    }
  }

  @Test("adding 2027 through the API; a bad arrangement is refused with its reason")
  func addYear() async throws {
    try await CatalogFixture.with { catalog in
      func date(_ y: Int32, _ m: Int32, _ d: Int32) -> Hall_Common_V1_CivilDate {
        .with {
          $0.year = y
          $0.month = m
          $0.day = d
        }
      }
      var year = Hall_Catalog_V1_CalendarYear.with {
        $0.year = 2027
        $0.notice = "测试通知"
        $0.holidays = [
          .with {
            $0.name = "元旦"
            $0.firstDay = date(2027, 1, 1)
            $0.lastDay = date(2027, 1, 3)
          }
        ]
        $0.makeUpDays = [
          .with {
            $0.date = date(2027, 1, 4)
            $0.holidayName = "元旦"
          }
        ]
      }
      await expectRefusal(.invalidArgument, field: "calendar_year", containing: "2027-01-04") {
        _ = try await catalog.admin.putCalendarYear(
          .with {
            $0.requestID = "bad"
            $0.calendarYear = year
          })
      }
      year.makeUpDays = [
        .with {
          $0.date = date(2027, 1, 9)
          $0.holidayName = "元旦"
        }
      ]
      let stored = try await catalog.admin.putCalendarYear(
        .with {
          $0.requestID = "good"
          $0.calendarYear = year
        })
      // 261 weekdays in 2027, minus Fri 1 Jan, plus Sat 9 Jan.
      #expect(stored.workingDayCount == 261)
      let read = try await catalog.anonymous.getCalendarYear(.with { $0.year = 2027 })
      #expect(read.makeUpDays.map(\.date.day) == [9])
      await expectRefusal(.invalidArgument, field: "calendar_year.holidays[0].first_day") {
        year.holidays[0].firstDay = date(2027, 2, 30)
        _ = try await catalog.admin.putCalendarYear(
          .with {
            $0.requestID = "bad-date"
            $0.calendarYear = year
          })
      }
    }
  }

  @Test("hall hours: set, read, and refused when sessions overlap")
  func hallHours() async throws {
    try await CatalogFixture.with { catalog in
      let standard = try await catalog.anonymous.getHallHours(.init())
      #expect(standard.sessions.count == 2 && standard.sessions[1].end.hours == 17)
      func session(_ a: Int32, _ b: Int32) -> Hall_Catalog_V1_HallSession {
        .with {
          $0.start.hours = a
          $0.end.hours = b
        }
      }
      await expectRefusal(.invalidArgument) {
        _ = try await catalog.admin.setHallHours(
          .with { $0.hallHours.sessions = [session(9, 13), session(12, 17)] })
      }
      _ = try await catalog.admin.setHallHours(
        .with { $0.hallHours.sessions = [session(8, 12), session(14, 18)] })
      let read = try await catalog.anonymous.getHallHours(.init())
      #expect(read.sessions.map(\.end.hours) == [12, 18])
    }
  }
}
