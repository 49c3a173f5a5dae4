import Foundation
public import Logging

/// Structured logs (OPS-3): one JSON object per line on standard error, so a collector can
/// index them without parsing free text.
public struct JSONLogHandler: LogHandler {
  public var metadata: Logger.Metadata = [:]
  public var logLevel: Logger.Level = .info
  private let label: String

  public init(label: String) { self.label = label }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var object: [String: String] = [
      "ts": Date().formatted(.iso8601),
      "level": event.level.rawValue,
      "logger": label,
      "msg": "\(event.message)",
    ]
    for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
      object[key] = "\(value)"
    }
    guard
      var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    else { return }
    data.append(0x0A)
    FileHandle.standardError.write(data)
  }
}
