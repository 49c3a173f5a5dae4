import ArgumentParser
import Foundation
import HallContracts
package import SwiftProtobuf

/// How values read in tables. Instants are shown in China Standard Time, the time every
/// hall, notice and deadline is stated in, whatever the operator's machine is set to.
package enum Format {
  static let chinaStandardTime = TimeZone(secondsFromGMT: 8 * 3600)!

  /// "2026-09-28 10:00"; empty when the instant is unset.
  package static func time(_ timestamp: Google_Protobuf_Timestamp) -> String {
    guard timestamp.seconds != 0 || timestamp.nanos != 0 else { return "" }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = chinaStandardTime
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.string(from: timestamp.date)
  }

  package static func date(_ date: ContractDate) -> String {
    guard date.year != 0 else { return "" }
    return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
  }

  /// Parses "2026-09-28", the form every day in the contracts is given in.
  package static func civilDate(_ text: String) throws -> ContractDate {
    let parts = text.split(separator: "-").compactMap { Int32($0) }
    guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
      throw ValidationError("a day must read yyyy-MM-dd, e.g. 2026-09-28; got \(text)")
    }
    return .with {
      $0.year = parts[0]
      $0.month = parts[1]
      $0.day = parts[2]
    }
  }

  /// Money in yuan with fen, e.g. "10.00 元".
  static func yuan(_ fen: Int64) -> String {
    String(format: "%d.%02d 元", fen / 100, abs(fen % 100))
  }

  /// Basis points as a percentage, e.g. "97.50%".
  static func percent(_ bp: Int32) -> String {
    String(format: "%.2f%%", Double(bp) / 100)
  }

  package static func state<E: SwiftProtobuf.Enum>(_ value: E) -> String {
    value.rawValue == 0 ? "" : ProtoEnum.name(value)
  }
}

extension Format {
  /// "12 min", "2 h 05 min": waits read better rounded to the minute.
  static func duration(seconds: Int64) -> String {
    let minutes = seconds / 60
    return minutes < 60
      ? "\(minutes) min" : String(format: "%d h %02d min", minutes / 60, minutes % 60)
  }
}

extension Format {
  /// Where something happened, e.g. "hl-hall/W03": the parts given, outermost first.
  static func place(_ parts: String...) -> String {
    parts.filter { !$0.isEmpty }.joined(separator: "/")
  }
}
