import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

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
  @Option(help: "Page size (the service's default when 0).") var limit: Int32 = 0

  @Option(help: "Continue a listing from the token the previous page printed.") var pageToken = ""

  /// The page asked for, in a listing's request.
  func apply(to request: inout some PagedRequest) {
    request.pageSize = limit
    request.pageToken = pageToken
  }
}

/// A listing's request: the contract pages every listing the same way.
protocol PagedRequest {
  var pageSize: Int32 { get set }
  var pageToken: String { get set }
}

/// A listing's answer, whose table ends with where the next page starts.
protocol PagedResponse {
  var nextPageToken: String { get }
}

/// Figures and exports cover the days [from, to), as the contracts state every period.
struct PeriodOptions: ParsableArguments {
  @Option(help: "First day, yyyy-MM-dd.", transform: Format.civilDate)
  var from: ContractDate

  @Option(help: "Day after the last, yyyy-MM-dd.", transform: Format.civilDate)
  var to: ContractDate
}

/// Ratings and supervision count their figures the same way: a row per group, over a period.
struct FiguresOptions<Grouping: FigureGrouping>: ParsableArguments {
  @Option(values: { "One row per: \($0)." }) var by: Grouping = .deployment

  @OptionGroup var period: PeriodOptions

  func apply(to request: inout some FiguresRequest<Grouping>) {
    request.grouping = by
    request.from = period.from
    request.to = period.to
  }
}

/// How figures may be grouped; without --by, one row for the whole deployment.
protocol FigureGrouping: SwiftProtobuf.Enum, CaseIterable {
  static var deployment: Self { get }
}

/// Rating's and supervision's figures requests share these fields, so that one option group
/// fills both.
protocol FiguresRequest<Grouping> {
  associatedtype Grouping
  var grouping: Grouping { get set }
  var from: ContractDate { get set }
  var to: ContractDate { get set }
}

/// A supervisor's decision on an appeal, the same for a bad review and an anomaly: upheld,
/// the record leaves the figures; rejected, it stands.
struct AppealDecisionOptions: ParsableArguments {
  enum Verdict: String, EnumerableFlag {
    case uphold, reject
  }

  @Flag(help: "The decision.") var verdict: Verdict

  @Option(help: "Why.") var reason: String

  func apply(to request: inout some AppealDecisionRequest) {
    request.uphold = verdict == .uphold
    request.reason = reason
  }
}

/// Deciding a bad review's appeal and an anomaly's carries the same fields.
protocol AppealDecisionRequest {
  var uphold: Bool { get set }
  var reason: String { get set }
}
