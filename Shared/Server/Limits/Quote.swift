/// How much of a caller's input an answer repeats: enough to recognise it, never so much that
/// the answer outgrows what a client accepts (a 10 kB code must not make a 10 kB status).
public enum Quote {
  /// At most `limit` characters of `text`, with an ellipsis and the full length when cut.
  public static func brief(_ text: String, limit: Int = 40) -> String {
    guard text.count > limit else { return text }
    return "\(text.prefix(limit))… (\(text.count) characters)"
  }

  /// The most a status message carries, in UTF-8 bytes; longer ones are cut on a character
  /// boundary (the interceptor's last line of defence for any message built from input).
  public static let statusLimit = 1024

  public static func status(_ message: String) -> String {
    guard message.utf8.count > statusLimit else { return message }
    var cut = ""
    for character in message {
      guard cut.utf8.count + character.utf8.count <= statusLimit - 4 else { break }
      cut.append(character)
    }
    return cut + " …"
  }
}
