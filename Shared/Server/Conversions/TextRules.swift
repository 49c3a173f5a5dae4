import Foundation
public import HallContracts

extension String {
  public var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Shapes of identifiers chosen by callers.
public enum Identifiers {
  private static func matches(_ text: String, count: ClosedRange<Int>, extra: Character) -> Bool {
    count.contains(text.count)
      && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == extra }
  }

  /// Codes and ids of departments, list entries, items and bundles.
  public static func isCode(_ text: String) -> Bool { matches(text, count: 2...40, extra: "-") }
  public static func isMaterialID(_ text: String) -> Bool {
    matches(text, count: 1...40, extra: "-")
  }
  public static func isFieldKey(_ text: String) -> Bool { matches(text, count: 1...60, extra: "_") }
}

public enum Text {
  /// A required, non-blank text of bounded length.
  public static func require(_ text: String, field: String, max: Int) throws(ServiceError) {
    guard !text.trimmed.isEmpty else {
      throw .invalidArgument(field: field, message: "is required")
    }
    guard text.count <= max else {
      throw .invalidArgument(field: field, message: "is longer than \(max) characters")
    }
  }
}

/// Whether an enum value is one of the code table's values (not unspecified, not unknown).
public enum CodeTables {
  public static func isKnown(_ kind: Hall_Common_V1_ItemKind) -> Bool {
    if case .UNRECOGNIZED = kind { return false }
    return kind != .unspecified
  }

  public static func isKnown(_ level: Hall_Common_V1_AdministrativeLevel) -> Bool {
    if case .UNRECOGNIZED = level { return false }
    return level != .unspecified
  }

  public static func isKnown(_ channel: Hall_Common_V1_Channel) -> Bool {
    if case .UNRECOGNIZED = channel { return false }
    return channel != .unspecified
  }
}
