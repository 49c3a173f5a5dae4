import Foundation

/// The messages of `proto/` as their text declares them: enough of proto3 to follow which
/// messages a request carries and which of their fields are numbers.
struct ProtoSchema {
  /// Message full name → its fields (type as written, name).
  var messages: [String: [(type: String, name: String)]] = [:]
  var enums: Set<String> = []

  static let numericTypes: Set<String> = [
    "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
    "sfixed64", "double", "float",
  ]

  static func load() throws -> ProtoSchema {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("proto")
    var schema = ProtoSchema()
    let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
    for file in files ?? [] where file.hasSuffix(".proto") {
      try schema.read(String(contentsOf: root.appendingPathComponent(file), encoding: .utf8))
    }
    return schema
  }

  private mutating func read(_ source: String) throws {
    let text = source.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false)[0] }
      .joined(separator: "\n")
    let package = try #/package\s+([\w.]+);/#.firstMatch(in: text).map { String($0.1) } ?? ""
    let token =
      #/(message|enum|oneof|service)\s+(\w+)\s*\{|\}|((?:repeated\s+)?(?:map<\s*\w+\s*,\s*[\w.]+\s*>|[\w.]+))\s+(\w+)\s*=\s*\d+[^;]*;/#
    var stack: [(kind: String, name: String)] = []
    for match in text.matches(of: token) {
      if let kind = match.1, let name = match.2 {
        let scope = stack.filter { $0.kind == "message" }.map(\.name)
        let full = ([package] + scope + [String(name)]).joined(separator: ".")
        if kind == "message" { messages[full] = [] }
        if kind == "enum" { enums.insert(full) }
        stack.append((String(kind), String(name)))
      } else if match.0 == "}" {
        _ = stack.popLast()
      } else if let type = match.3, let name = match.4,
        let innermost = stack.last, innermost.kind == "message" || innermost.kind == "oneof"
      {
        let owner = ([package] + stack.filter { $0.kind == "message" }.map(\.name))
          .joined(separator: ".")
        messages[owner, default: []].append((String(type), String(name)))
      }
    }
  }

  /// The type a field refers to, without `repeated` and taking a map's value type.
  private func base(_ type: String) -> String {
    var type = type.replacingOccurrences(of: "repeated", with: "")
      .trimmingCharacters(in: .whitespaces)
    if let map = type.firstMatch(of: #/map<\s*\w+\s*,\s*([\w.]+)\s*>/#) { type = String(map.1) }
    return type
  }

  /// The full name of the message `type` names inside `owner`, by proto's scoping rule.
  private func resolve(_ type: String, in owner: String) -> String? {
    var scope = owner.split(separator: ".").map(String.init)
    while !scope.isEmpty {
      let candidate = (scope + [type]).joined(separator: ".")
      if messages[candidate] != nil { return candidate }
      scope.removeLast()
    }
    return messages[type] != nil ? type : nil
  }

  /// "package.Message.field" for every numeric field of a message reachable from one whose
  /// name `isRoot` accepts, among the hall's own packages.
  func numericFields(reachableFrom isRoot: (String) -> Bool) -> Set<String> {
    var pending = messages.keys.filter { $0.hasPrefix("hall.") && isRoot($0) }
    var seen: Set<String> = []
    var numeric: Set<String> = []
    while let message = pending.popLast() {
      guard seen.insert(message).inserted else { continue }
      for field in messages[message] ?? [] {
        let type = base(field.type)
        if Self.numericTypes.contains(type) {
          numeric.insert("\(message).\(field.name)")
        } else if let inner = resolve(type, in: message) {
          pending.append(inner)
        }
      }
    }
    return numeric
  }
}
