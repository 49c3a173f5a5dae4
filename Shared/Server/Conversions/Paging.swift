import Foundation

/// Page tokens are the last key of the previous page, base64-encoded so that callers treat
/// them as opaque; keyset paging stays fast however deep the page.
public enum Paging {
  public static func size(_ requested: Int32, default defaultSize: Int, max: Int)
    throws(ServiceError)
    -> Int
  {
    guard requested >= 0 else {
      throw .invalidArgument(field: "page_size", message: "must not be negative")
    }
    guard requested <= max else {
      throw .invalidArgument(field: "page_size", message: "must be at most \(max)")
    }
    return requested == 0 ? defaultSize : Int(requested)
  }

  public static func afterKey(_ token: String) throws(ServiceError) -> String? {
    guard !token.isEmpty else { return nil }
    guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8),
      key.hasPrefix("k:")
    else {
      throw .invalidArgument(field: "page_token", message: "is not a token this service issued")
    }
    return String(key.dropFirst(2))
  }

  public static func token(after key: String?) -> String {
    guard let key else { return "" }
    return Data("k:\(key)".utf8).base64EncodedString()
  }
}
