import Foundation
public import SwiftProtobuf

/// Checks a message from outside against the contract's limits before anything acts on it
/// (REL-3): every numeric field within its range (``ContractRanges``), every enum field one
/// of the values the contract names, and its text and bytes together within `maximumBytes`.
/// A refusal names the field by its path and quotes the value; nothing has been read or
/// written yet.
///
/// A field at its zero value is absent on the wire and is not visited: "unset" is the
/// handler's to judge (a required count of at least one, say).
public enum ContractLimits {
  /// What a request may hold unless its method says otherwise: 4 MiB, gRPC's usual limit.
  public static let defaultMaximumBytes = 4 << 20

  public static func check(
    _ message: any SwiftProtobuf.Message, ranges: [String: FieldRange] = ContractRanges.all,
    maximumBytes: Int = defaultMaximumBytes
  ) throws(ServiceError) {
    var visitor = LimitVisitor(
      type: type(of: message), path: "", ranges: ranges, maximumBytes: maximumBytes)
    do {
      try message.traverse(visitor: &visitor)
    } catch let error as ServiceError {
      throw error
    } catch {
      throw .invalidArgument(field: visitor.path, message: "cannot be read: \(error)")
    }
  }
}

/// Walks one message, descending into the messages it holds.
struct LimitVisitor: SwiftProtobuf.Visitor {
  let type: any SwiftProtobuf.Message.Type
  /// Where this message stands in the request ("spec.fee"), empty at the top.
  let path: String
  let ranges: [String: FieldRange]
  let maximumBytes: Int
  /// Text and bytes met so far, this message's and those it holds.
  var bytes = 0

  private func fieldPath(_ number: Int) -> String {
    let name = FieldNames.name(of: number, in: type)
    return path.isEmpty ? name : "\(path).\(name)"
  }

  /// A visitor for a message this one holds, counting on from this one's bytes.
  private func nested(_ type: any SwiftProtobuf.Message.Type, _ number: Int) -> LimitVisitor {
    var inner = LimitVisitor(
      type: type, path: fieldPath(number), ranges: ranges, maximumBytes: maximumBytes)
    inner.bytes = bytes
    return inner
  }

  private func range(_ number: Int) -> FieldRange? {
    ranges["\(type.protoMessageName).\(FieldNames.name(of: number, in: type))"]
  }

  private func refuse(_ number: Int, _ value: String, _ range: FieldRange) -> ServiceError {
    .invalidArgument(field: fieldPath(number), message: "must be \(range.text), not \(value)")
  }

  mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {
    guard let range = range(fieldNumber), !range.contains(value) else { return }
    throw refuse(fieldNumber, "\(value)", range)
  }

  mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {
    guard let range = range(fieldNumber) else { return }
    guard let signed = Int64(exactly: value), range.contains(signed) else {
      throw refuse(fieldNumber, "\(value)", range)
    }
  }

  mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {
    guard let range = range(fieldNumber), !range.contains(value) else { return }
    throw refuse(fieldNumber, "\(value)", range)
  }

  mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {}

  mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
    try count(value.utf8.count)
  }

  mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {
    try count(value.count)
  }

  private mutating func count(_ more: Int) throws {
    bytes += more
    guard bytes <= maximumBytes else {
      throw ServiceError.resourceExhausted(
        "the request holds more than \(maximumBytes) bytes of text; this method takes at most that")
    }
  }

  mutating func visitSingularEnumField<E: SwiftProtobuf.Enum>(value: E, fieldNumber: Int) throws {
    guard Self.isNamed(value) else {
      throw ServiceError.invalidArgument(
        field: fieldPath(fieldNumber), message: "\(value.rawValue) is not a value of \(E.self)")
    }
  }

  mutating func visitSingularMessageField<M: SwiftProtobuf.Message>(value: M, fieldNumber: Int)
    throws
  {
    var inner = nested(M.self, fieldNumber)
    try value.traverse(visitor: &inner)
    bytes = inner.bytes
  }

  mutating func visitMapField<KeyType, ValueType: MapValueType>(
    fieldType: _ProtobufMap<KeyType, ValueType>.Type,
    value: _ProtobufMap<KeyType, ValueType>.BaseType, fieldNumber: Int
  ) throws {
    for (key, entry) in value {
      if let key = key as? String { try count(key.utf8.count) }
      if let entry = entry as? String { try count(entry.utf8.count) }
      if let entry = entry as? Data { try count(entry.count) }
    }
    guard let range = range(fieldNumber) else { return }
    for (key, entry) in value {
      let fits: Bool =
        switch entry {
        case let entry as Int64: range.contains(entry)
        case let entry as Int32: range.contains(Int64(entry))
        case let entry as UInt32: range.contains(Int64(entry))
        case let entry as UInt64: Int64(exactly: entry).map(range.contains) ?? false
        case let entry as Double: range.contains(entry)
        case let entry as Float: range.contains(Double(entry))
        default: true
        }
      guard fits else {
        throw refuse(fieldNumber, "\(entry) at \(Quote.brief("\(key)"))", range)
      }
    }
  }

  mutating func visitMapField<KeyType, ValueType>(
    fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type,
    value: _ProtobufEnumMap<KeyType, ValueType>.BaseType, fieldNumber: Int
  ) throws where ValueType.RawValue == Int {
    for entry in value.values where !Self.isNamed(entry) {
      throw ServiceError.invalidArgument(
        field: fieldPath(fieldNumber),
        message: "\(entry.rawValue) is not a value of \(ValueType.self)")
    }
  }

  mutating func visitMapField<KeyType, ValueType>(
    fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
    value: _ProtobufMessageMap<KeyType, ValueType>.BaseType, fieldNumber: Int
  ) throws {
    for entry in value.values {
      var inner = nested(ValueType.self, fieldNumber)
      try entry.traverse(visitor: &inner)
      bytes = inner.bytes
    }
  }

  /// Whether the contract names `value`: generated enums list their cases, and a value read
  /// from the wire that none of them has is UNRECOGNIZED.
  private static func isNamed<E: SwiftProtobuf.Enum>(_ value: E) -> Bool {
    guard let iterable = E.self as? any CaseIterable.Type else { return true }
    func rawValues<T: CaseIterable>(_ type: T.Type) -> [Int] {
      T.allCases.compactMap { ($0 as? E)?.rawValue }
    }
    return rawValues(iterable).contains(value.rawValue)
  }

  /// Fields of a newer contract than this service's are ignored, as protobuf intends.
  mutating func visitUnknown(bytes: Data) throws {}
}
