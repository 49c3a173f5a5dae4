extension KeyedDecodingContainer {
  /// A calendar value read from a file passes through the same checks as one built in code;
  /// a refusal there is the data's fault, reported at `key` in the checks' own words.
  func checked<Value>(at key: Key, _ make: () throws -> Value) throws -> Value {
    do {
      return try make()
    } catch {
      throw DecodingError.dataCorruptedError(
        forKey: key, in: self, debugDescription: String(describing: error))
    }
  }
}
