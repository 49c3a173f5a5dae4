/// Chinese has no spaces to split words on, so the guide search indexes every single
/// character and every pair of adjacent characters of an item's name. A keyword of two or
/// more characters is found through its pairs (GIN index, `@>`), a single character through
/// itself; the exact substring is then confirmed with LIKE on the few rows the index yields.
/// This finds "餐馆" inside "开办餐馆、饭店" where word-based full-text search would not.
enum SearchGrams {
  static func normalized(_ text: String) -> String {
    String(text.lowercased().filter { !$0.isWhitespace })
  }

  /// Grams stored for an indexed text.
  static func indexGrams(of text: String) -> [String] {
    let characters = Array(normalized(text))
    var grams = Set(characters.map { String($0) })
    if characters.count >= 2 {
      for index in 0..<(characters.count - 1) {
        grams.insert(String(characters[index...index + 1]))
      }
    }
    return grams.sorted()
  }

  /// Grams a keyword requires: its pairs, or the character itself when it is one long.
  static func queryGrams(of keyword: String) -> [String] {
    let characters = Array(normalized(keyword))
    guard characters.count >= 2 else { return characters.map { String($0) } }
    return Set((0..<(characters.count - 1)).map { String(characters[$0...$0 + 1]) }).sorted()
  }

  /// The keyword as a LIKE pattern matching it anywhere, with LIKE's wildcards escaped.
  static func likePattern(of keyword: String) -> String {
    var escaped = ""
    for character in normalized(keyword) {
      if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
      escaped.append(character)
    }
    return "%\(escaped)%"
  }
}
