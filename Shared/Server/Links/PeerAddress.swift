import HallAuth
import GRPCNIOTransportHTTP2

/// Where a peer listens, as an operator writes it: `host:port`, where the host is a DNS name
/// (`intake.hall.svc:50052`), an IPv4 literal or a bracketed IPv6 literal (`[::1]:50052`).
/// A name that resolves to several addresses spreads the calls across them.
public struct PeerAddress: Sendable, Equatable, CustomStringConvertible {
  public enum Host: Sendable, Equatable {
    case ipv4(String)
    case ipv6(String)
    case name(String)
  }

  public var host: Host
  public var port: Int

  public init(host: Host, port: Int) {
    self.host = host
    self.port = port
  }

  /// Parses `text`; the error quotes it, briefly.
  public init(parsing text: String) throws {
    let quoted = text.prefix(80)
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
      (1...65535).contains(port)
    else {
      throw PeerAddressError(description: "must be host:port, not \(quoted)")
    }
    let host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") {
      let literal = String(host.dropFirst().dropLast())
      guard ipAddressBytes(literal)?.count == 16 else {
        throw PeerAddressError(description: "\(quoted): not an IPv6 address in brackets")
      }
      self.init(host: .ipv6(literal), port: port)
    } else if ipAddressBytes(host)?.count == 4 {
      self.init(host: .ipv4(host), port: port)
    } else {
      guard Self.isHostName(host) else {
        throw PeerAddressError(description: "\(quoted): the host is not a DNS name or IP address")
      }
      self.init(host: .name(host), port: port)
    }
  }

  /// The address of this machine's loopback, for a service on its default port.
  public static func loopback(port: Int) -> PeerAddress {
    PeerAddress(host: .ipv4("127.0.0.1"), port: port)
  }

  public var hostText: String {
    switch host {
    case .ipv4(let text), .ipv6(let text), .name(let text): text
    }
  }

  public var description: String {
    if case .ipv6(let text) = host { return "[\(text)]:\(port)" }
    return "\(hostText):\(port)"
  }

  /// Only this machine can reach it: the one place a plaintext link is allowed.
  public var isLoopback: Bool { Self.isLoopback(host: hostText) }

  /// Whether a host as written in a setting (a listener's, a database's) is this machine's
  /// loopback; a Unix socket's folder counts too.
  public static func isLoopback(host: String) -> Bool {
    host.hasPrefix("127.") || host == "::1" || host == "localhost" || host.hasPrefix("/")
  }

  var target: any ResolvableTarget {
    switch host {
    case .ipv4(let text): .ipv4(address: text, port: port)
    case .ipv6(let text): .ipv6(address: text, port: port)
    case .name(let text): .dns(host: text, port: port)
    }
  }

  /// RFC 1123 labels: letters, digits and hyphens, dot-separated, at most 253 characters.
  static func isHostName(_ text: String) -> Bool {
    guard !text.isEmpty, text.count <= 253 else { return false }
    return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
      (1...63).contains(label.count) && label.first != "-" && label.last != "-"
        && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
  }
}

public struct PeerAddressError: Error, CustomStringConvertible {
  public var description: String
}
