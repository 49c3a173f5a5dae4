/// The holiday arrangements published by the General Office of the State Council
/// [国务院办公厅关于部分节假日安排的通知].
///
/// Shipped as data in the library so that every service counts the same working days; a new
/// year is added here once its notice is published (usually in November of the year before).
public enum StateCouncilArrangements {
  /// 2025, from 国办发明电〔2024〕12号.
  public static let year2025 = arrangement(
    year: 2025,
    notice: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
    holidays: [
      ("元旦", "2025-01-01", "2025-01-01"),
      ("春节", "2025-01-28", "2025-02-04"),
      ("清明节", "2025-04-04", "2025-04-06"),
      ("劳动节", "2025-05-01", "2025-05-05"),
      ("端午节", "2025-05-31", "2025-06-02"),
      ("国庆节、中秋节", "2025-10-01", "2025-10-08"),
    ],
    makeUpDays: [
      ("2025-01-26", "春节"),
      ("2025-02-08", "春节"),
      ("2025-04-27", "劳动节"),
      ("2025-09-28", "国庆节、中秋节"),
      ("2025-10-11", "国庆节、中秋节"),
    ])

  /// 2026, from the notice of 2025-11-04.
  public static let year2026 = arrangement(
    year: 2026,
    notice: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日发布）",
    holidays: [
      ("元旦", "2026-01-01", "2026-01-03"),
      ("春节", "2026-02-15", "2026-02-23"),
      ("清明节", "2026-04-04", "2026-04-06"),
      ("劳动节", "2026-05-01", "2026-05-05"),
      ("端午节", "2026-06-19", "2026-06-21"),
      ("中秋节", "2026-09-25", "2026-09-27"),
      ("国庆节", "2026-10-01", "2026-10-07"),
    ],
    makeUpDays: [
      ("2026-01-04", "元旦"),
      ("2026-02-14", "春节"),
      ("2026-02-28", "春节"),
      ("2026-05-09", "劳动节"),
      ("2026-09-20", "国庆节"),
      ("2026-10-10", "国庆节"),
    ])

  /// Every shipped arrangement, oldest first.
  public static let all: [CalendarYear] = [year2025, year2026]

  /// Builds shipped data through the validating initialisers, so a typo in a date stops the
  /// process at first use instead of silently shifting deadlines.
  private static func arrangement(
    year: Int, notice: String, holidays: [(String, String, String)],
    makeUpDays: [(String, String)]
  ) -> CalendarYear {
    do {
      return try CalendarYear(
        year: year, notice: notice,
        holidays: holidays.map { name, first, last throws(CalendarError) in
          try Holiday(
            name: name, firstDay: CivilDate(parsing: first), lastDay: CivilDate(parsing: last))
        },
        makeUpDays: makeUpDays.map { date, holiday throws(CalendarError) in
          MakeUpDay(date: try CivilDate(parsing: date), holiday: holiday)
        })
    } catch {
      fatalError("invalid State Council arrangement for \(year): \(error)")
    }
  }
}
