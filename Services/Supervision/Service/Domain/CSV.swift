import Foundation
import SwiftProtobuf

/// Comma-separated values as RFC 4180 writes them: fields with commas, quotes or line breaks
/// are quoted, quotes doubled. Enough for the files departments exchange (SUP-9), no more.
enum CSV {
  /// The records of `text`, each a list of fields; a trailing line break ends the last one.
  static func parse(_ text: String) throws(Problem) -> [[String]] {
    var reader = Reader()
    var characters = text.makeIterator()
    if text.hasPrefix("\u{FEFF}") { _ = characters.next() }
    while let character = characters.next() {
      try reader.read(character)
    }
    return try reader.end()
  }

  /// A parse under way: the records read, and the record and field being read.
  private struct Reader {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var afterQuote = false
    var line = 1

    mutating func read(_ character: Character) throws(Problem) {
      guard !quoted else { return readQuoted(character) }
      switch character {
      case "\"" where afterQuote:
        field.append("\"")
        quoted = true
        afterQuote = false
      case "\"" where field.isEmpty:
        quoted = true
      case "\"":
        throw Problem(line: line, message: "a quote inside an unquoted field")
      case ",":
        endField()
      case "\n", "\r\n", "\r":
        endField()
        records.append(record)
        record = []
        line += 1
      default:
        guard !afterQuote else {
          throw Problem(line: line, message: "text after a closing quote")
        }
        field.append(character)
      }
    }

    mutating func readQuoted(_ character: Character) {
      if character == "\"" {
        quoted = false
        afterQuote = true
      } else {
        if character == "\n" || character == "\r\n" { line += 1 }
        field.append(character)
      }
    }

    mutating func endField() {
      record.append(field)
      field = ""
      afterQuote = false
    }

    /// The records, once the text has ended outside quotes.
    mutating func end() throws(Problem) -> [[String]] {
      guard !quoted else { throw Problem(line: line, message: "a quoted field is not closed") }
      if !field.isEmpty || !record.isEmpty {
        record.append(field)
        records.append(record)
      }
      return records
    }
  }

  /// A contract enum value as the files name it: `handedOver` → `HANDED_OVER`.
  static func name(_ value: some SwiftProtobuf.Enum) -> String {
    var name = ""
    for character in "\(value)" {
      if character.isUppercase, !name.isEmpty { name.append("_") }
      name.append(contentsOf: character.uppercased())
    }
    return name
  }

  static func line(_ fields: [String]) -> String {
    fields.map { field in
      field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
        ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }.joined(separator: ",") + "\r\n"
  }

  struct Problem: Error {
    var line: Int
    var message: String
  }
}
