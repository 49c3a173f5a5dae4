import Foundation
package import SwiftProtobuf
import Synchronization

/// Tables for people, JSON (protobuf's canonical mapping) for programs.
package enum Output {
  /// Lines printed while this is set go to it instead of the terminal, so a test can read
  /// what a command said without a subprocess.
  @TaskLocal static var capture: Capture?

  final class Capture: Sendable {
    private let lines = Mutex<(out: [String], error: [String])>(([], []))
    var out: String { lines.withLock { $0.out.joined(separator: "\n") } }
    var error: String { lines.withLock { $0.error.joined(separator: "\n") } }
    fileprivate func append(_ line: String, error: Bool) {
      lines.withLock { error ? $0.error.append(line) : $0.out.append(line) }
    }
  }

  package static func line(_ text: String = "") {
    if let capture { capture.append(text, error: false) } else { print(text) }
  }

  /// Text printed as it is, e.g. a CSV file with its own line ends.
  static func raw(_ text: String) {
    if let capture { capture.append(text, error: false) } else { print(text, terminator: "") }
  }

  package static func error(_ text: String) {
    if let capture {
      capture.append(text, error: true)
    } else {
      FileHandle.standardError.write(Data((text + "\n").utf8))
    }
  }

  package static func json(_ message: some SwiftProtobuf.Message) throws {
    var options = JSONEncodingOptions()
    options.preserveProtoFieldNames = true
    line(try message.jsonString(options: options))
  }

  /// Display width in a terminal: CJK characters take two columns.
  static func width(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.value != 0x00B7 ? 2 : 1) }
  }

  static func pad(_ text: String, to columns: Int) -> String {
    text + String(repeating: " ", count: max(0, columns - width(text)))
  }

  /// Columns padded by display width.
  package static func table(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { width($0[column]) }.max() ?? 0 }
    for (index, row) in all.enumerated() {
      let cells = row.enumerated().map { column, text in pad(text, to: widths[column]) }
      line(cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
      if index == 0 {
        line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
      }
    }
    if rows.isEmpty { line("(none)") }
  }

  /// One record as "label  value" lines; empty values are left out, so a summary shows only
  /// what has happened to the record so far.
  package static func fields(_ pairs: [(String, String)]) {
    let shown = pairs.map { ($0.0, $0.1.trimmingCharacters(in: .whitespaces)) }
      .filter { !$0.1.isEmpty }
    let labelWidth = shown.map { width($0.0) }.max() ?? 0
    for (label, value) in shown { line(pad(label, to: labelWidth) + "  " + value) }
  }

  /// A record's history after its fields, in the same columns for a case, a supervised case
  /// and a bad review: when, what was done, the state it left, by whom, and the note.
  static func history(_ rows: [[String]]) {
    line()
    table(["time", "action", "state", "by", "note"], rows)
  }

  /// Where the next page starts, for listings that have one.
  static func nextPage(_ token: String) {
    if !token.isEmpty { line("(more: --page-token \(token))") }
  }
}
