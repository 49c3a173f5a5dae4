import ArgumentParser
import Foundation

/// The idempotency key every changing call carries: a retry with the same id returns the
/// first answer, so an operator unsure whether a call went through can repeat it safely.
struct WriteOptions: ParsableArguments {
  @Option(
    name: .customLong("request-id"),
    help: "Idempotency key; repeating a call with the same id changes nothing (default: new UUID)."
  )
  var requestID: String?

  /// A fresh UUID on each read when none was given: read it once per call.
  var id: String { requestID ?? UUID().uuidString }
}

/// Listings come in pages; the table ends with the token of the next one.
struct PageOptions: ParsableArguments {
  @Option(help: "Page size (the service's default when 0).")
  var limit: Int32 = 0

  @Option(help: "Continue a listing from the token the previous page printed.")
  var pageToken = ""
}
