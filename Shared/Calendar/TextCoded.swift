/// A value that is written as text wherever it appears, in settings and JSON alike: a date
/// as `YYYY-MM-DD`, a time as `HH:MM`. One parser per type serves every reader.
public protocol TextCoded: Codable, LosslessStringConvertible {
  init(parsing text: String) throws(CalendarError)
}

extension TextCoded {
  public init?(_ description: String) {
    guard let value = try? Self(parsing: description) else { return nil }
    self = value
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    do {
      try self.init(parsing: text)
    } catch {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: error.description)
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
