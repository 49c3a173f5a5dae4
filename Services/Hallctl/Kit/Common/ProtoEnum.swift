import ArgumentParser
import Foundation
package import SwiftProtobuf

/// Contract enums on the command line as kebab-case names of their values
/// (`CASE_STATE_CORRECTION_REQUESTED` is `correction-requested`) or as their numbers, which
/// are the code tables' own codes (satisfaction 1–5). Derived from the generated Swift
/// cases, so a value added to the contract is accepted without touching hallctl.
package enum ProtoEnum {
  package static func name<E: SwiftProtobuf.Enum>(_ value: E) -> String {
    let camel = String(describing: value)
    guard !camel.hasPrefix("UNRECOGNIZED") else { return "\(value.rawValue)" }
    var kebab = ""
    for character in camel {
      if character.isUppercase {
        kebab += "-" + character.lowercased()
      } else {
        kebab.append(character)
      }
    }
    return kebab
  }

  /// The values an operator may give: every one but UNSPECIFIED.
  static func choices<E: SwiftProtobuf.Enum & CaseIterable>(_ type: E.Type) -> String {
    E.allCases.filter { $0.rawValue != 0 }.map(name).joined(separator: ", ")
  }

  static func parse<E: SwiftProtobuf.Enum & CaseIterable>(_ text: String) throws -> E {
    let wanted = text.lowercased().replacingOccurrences(of: "_", with: "-")
    if let match = E.allCases.first(where: {
      $0.rawValue != 0 && (name($0) == wanted || String($0.rawValue) == wanted)
    }) {
      return match
    }
    throw ValidationError("unknown value \(text); one of \(choices(E.self))")
  }
}

/// A contract enum's flag names its type once: the value is read by `ProtoEnum.parse`, and
/// the help lists the values an operator may give, `help` wording the sentence around them.
extension Option where Value: SwiftProtobuf.Enum & CaseIterable {
  init(wrappedValue: Value, name: NameSpecification = .long, values help: (String) -> String) {
    self.init(
      wrappedValue: wrappedValue, name: name,
      help: ArgumentHelp(help(ProtoEnum.choices(Value.self))), transform: ProtoEnum.parse)
  }

  init(name: NameSpecification = .long, values help: (String) -> String) {
    self.init(
      name: name, help: ArgumentHelp(help(ProtoEnum.choices(Value.self))),
      transform: ProtoEnum.parse)
  }
}

extension Option {
  init<Wrapped: SwiftProtobuf.Enum & CaseIterable>(
    name: NameSpecification = .long, values help: (String) -> String
  ) where Value == Wrapped? {
    self.init(
      name: name, help: ArgumentHelp(help(ProtoEnum.choices(Wrapped.self))),
      transform: ProtoEnum.parse)
  }
}
