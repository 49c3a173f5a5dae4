/// Personal identifiers as listings and logs show them (SEC-2): the first and last four
/// characters, enough for staff to tell two people apart, too little to identify one.
public enum Masking {
  public static func identifier(_ id: String) -> String {
    guard id.count > 8 else { return String(repeating: "*", count: id.count) }
    return String(id.prefix(4)) + String(repeating: "*", count: id.count - 8)
      + String(id.suffix(4))
  }
}
