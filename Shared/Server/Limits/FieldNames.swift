import SwiftProtobuf
import Synchronization

/// The proto name of a message's field by its number, for messages that quote a field.
///
/// SwiftProtobuf keeps its name tables internal; a message holding only that field, decoded
/// from a few bytes, prints the name in the text format. Names are asked for on the way to a
/// refusal or a range look-up and kept, so each is worked out once per process.
enum FieldNames {
  private static let known = Mutex<[String: String]>([:])

  static func name(of number: Int, in type: any SwiftProtobuf.Message.Type) -> String {
    let key = "\(type.protoMessageName)#\(number)"
    if let name = known.withLock({ $0[key] }) { return name }
    let name = derive(number, type) ?? String(number)
    known.withLock { $0[key] = name }
    return name
  }

  private static func derive(_ number: Int, _ type: any SwiftProtobuf.Message.Type) -> String? {
    // Each wire type in turn, with a value the text format prints (proto3 leaves zeros out):
    // varint 1, an empty length-delimited value, the double 1.0 and the float 1.0.
    let values: [(wireType: UInt64, payload: [UInt8])] = [
      (0, [1]), (2, [0]), (1, [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]), (5, [0, 0, 0x80, 0x3F]),
    ]
    for (wireType, payload) in values {
      let bytes = varint(UInt64(number) << 3 | wireType) + payload
      guard let message = try? type.init(serializedBytes: bytes) else { continue }
      let text = message.textFormatString()
      let name = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
      // An unknown field prints as its number, and a field of another wire type not at all.
      if !name.isEmpty, name.first?.isLetter == true { return String(name) }
    }
    return nil
  }

  private static func varint(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
    return bytes
  }
}
