import HallCalendar
import HallDatabase
import PostgresNIO

/// Applicants who broke a shortfall commitment, and until when they may not use shortfall
/// acceptance (Zhengzhou, local).
struct ShortfallBanStore {
  let db: Database

  /// The applicant's ban in force on `today`, if any.
  func ban(of applicantID: String, on today: CivilDate) async throws -> ShortfallBan? {
    let rows = try await db.query(
      """
      SELECT until_day, case_number FROM shortfall_bans
      WHERE applicant_id = \(applicantID) AND until_day > \(today.dayNumber)
      """)
    guard let row = rows.first else { return nil }
    let (until, caseNumber) = try row.decode((Int, String).self)
    return ShortfallBan(until: CivilDate(dayNumber: until), caseNumber: caseNumber)
  }

  /// Bars the applicant until `until` (exclusive) for the commitment broken on `caseNumber`;
  /// a longer ban in force stays.
  func bar(_ applicantID: String, until: CivilDate, caseNumber: String) async throws {
    _ = try await db.query(
      """
      INSERT INTO shortfall_bans (applicant_id, until_day, case_number)
      VALUES (\(applicantID), \(until.dayNumber), \(caseNumber))
      ON CONFLICT (applicant_id) DO UPDATE
        SET until_day = greatest(shortfall_bans.until_day, excluded.until_day),
          case_number = excluded.case_number
      """)
  }
}
