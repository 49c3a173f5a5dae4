import Foundation
import SwiftProtobuf

/// Tables for people, JSON (protobuf's canonical mapping) for programs.
enum Output {
  static func json(_ message: some SwiftProtobuf.Message) throws {
    var options = JSONEncodingOptions()
    options.preserveProtoFieldNames = true
    print(try message.jsonString(options: options))
  }

  /// Columns padded by display width: CJK characters take two columns in a terminal.
  static func table(_ header: [String], _ rows: [[String]]) {
    func width(_ text: String) -> Int {
      text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.value != 0x00B7 ? 2 : 1) }
    }
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { width($0[column]) }.max() ?? 0 }
    for (index, row) in all.enumerated() {
      let cells = row.enumerated().map { column, text in
        text + String(repeating: " ", count: widths[column] - width(text))
      }
      print(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
      if index == 0 {
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
      }
    }
    if rows.isEmpty { print("(none)") }
  }
}
