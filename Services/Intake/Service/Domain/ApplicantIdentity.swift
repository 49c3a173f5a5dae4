import HallCalendar

/// Identifiers of applicants, checked before anything is stored (INT-1): a typo in an id
/// number would otherwise attach a case, its rating and its supervision record to nobody.
enum ApplicantIdentity {
  /// 公民身份号码 (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence and a
  /// check character, ISO 7064 MOD 11-2. Returns what is wrong, or nil when valid.
  static func residentIDProblem(_ id: String) -> String? {
    let characters = Array(id)
    guard characters.count == 18 else { return "must be 18 characters (GB 11643)" }
    let digits = characters.prefix(17).compactMap { $0.wholeNumberValue }
    guard digits.count == 17, characters.prefix(17).allSatisfy({ $0.isASCII }) else {
      return "must start with 17 digits (GB 11643)"
    }
    let birth = String(characters[6..<14])
    guard let year = Int(birth.prefix(4)), let month = Int(birth.dropFirst(4).prefix(2)),
      let day = Int(birth.suffix(2)), year >= 1900,
      (try? CivilDate(year: year, month: month, day: day)) != nil
    else {
      return "has no valid birth date in characters 7 to 14 (GB 11643)"
    }
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
    let expected = Array("10X98765432")[sum % 11]
    guard characters[17] == expected else {
      return "has a wrong check character (GB 11643): expected \(expected)"
    }
    return nil
  }

  /// The characters of a unified social credit code: digits and capitals without I, O, S, V
  /// and Z, in the order whose positions are their values.
  private static let creditCodeAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

  /// 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the
  /// first 17 (weights 3^i mod 31). Returns what is wrong, or nil when valid.
  static func creditCodeProblem(_ code: String) -> String? {
    let characters = Array(code)
    guard characters.count == 18 else { return "must be 18 characters (GB 32100)" }
    var values: [Int] = []
    for character in characters {
      guard let value = creditCodeAlphabet.firstIndex(of: character) else {
        return "may hold only digits and capitals other than I, O, S, V, Z (GB 32100)"
      }
      values.append(value)
    }
    let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    let sum = zip(values.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
    let check = (31 - sum % 31) % 31
    guard values[17] == check else {
      return "has a wrong check character (GB 32100): expected \(creditCodeAlphabet[check])"
    }
    return nil
  }
}
