import Foundation
import GRPCCore
import HallContracts
import HallServer
import SwiftProtobuf
import Testing

/// REL-3: every number that can arrive in a request has a range, and every enum value must be
/// one the contract names; a refusal names the field by its path and quotes the value briefly.
@Suite("Contract ranges")
struct ContractRangeTests {
  @Test("every numeric field reachable from a request in proto/ has a range")
  func everyNumberBounded() throws {
    let schema = try ProtoSchema.load()
    let reachable = schema.numericFields(reachableFrom: { $0.hasSuffix("Request") })
    #expect(reachable.count > 40, "the proto reader found too few fields: \(reachable.count)")
    let missing = reachable.filter { ContractRanges.all[$0] == nil }
    #expect(missing.isEmpty, "numeric request fields without a range: \(missing.sorted())")
    let stale = Set(ContractRanges.all.keys).subtracting(reachable)
    #expect(stale.isEmpty, "ranges for fields no request carries: \(stale.sorted())")
  }

  @Test("a number out of range is refused with its path; one in range passes")
  func outOfRange() throws {
    let extend = Hall_Intake_V1_ExtendDeadlineRequest.with { $0.workingDays = Int32.max }
    #expect(
      throws: ServiceError.invalidArgument(
        field: "working_days", message: "must be 0 to 250, not 2147483647")
    ) { try ContractLimits.check(extend) }
    try ContractLimits.check(Hall_Intake_V1_ExtendDeadlineRequest.with { $0.workingDays = 5 })

    let fee = Hall_Intake_V1_RecordFeeRequest.with { $0.amountFen = Int64.max }
    #expect(throws: ServiceError.self) { try ContractLimits.check(fee) }
    let negative = Hall_Intake_V1_AcceptCaseRequest.with { $0.shortfallWorkingDays = -5 }
    #expect(
      throws: ServiceError.invalidArgument(
        field: "shortfall_working_days", message: "must be 0 to 60, not -5")
    ) { try ContractLimits.check(negative) }
  }

  @Test("nested and repeated messages are checked with their path")
  func nested() throws {
    let item = Hall_Catalog_V1_CreateItemRequest.with {
      $0.spec.fee.amountFen = -1
    }
    #expect(
      throws: ServiceError.invalidArgument(
        field: "spec.fee.amount_fen", message: "must be 0 to 10000000000, not -1")
    ) { try ContractLimits.check(item) }
    let report = Hall_Supervision_V1_ReportCasesRequest.with {
      $0.cases = [.with { $0.visits = 2 }, .with { $0.waitSeconds = -60 }]
    }
    #expect(throws: ServiceError.self) { try ContractLimits.check(report) }
  }

  @Test("an enum value the contract does not name is refused")
  func unknownEnum() throws {
    let query = Hall_Supervision_V1_QueryCasesRequest.with { $0.timeliness = .UNRECOGNIZED(99) }
    do {
      try ContractLimits.check(query)
      Issue.record("timeliness 99 was accepted")
    } catch {
      guard case .invalidArgument(let field, let message) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(field == "timeliness" && message.hasPrefix("99 is not a value"))
    }
    let levels = Hall_Catalog_V1_CreateItemRequest.with {
      $0.spec.levels = [.county, .UNRECOGNIZED(99)]
    }
    #expect(throws: ServiceError.self) { try ContractLimits.check(levels) }
  }

  @Test("map values and real numbers have their ranges")
  func mapsAndReals() throws {
    let rule = Hall_Supervision_V1_UpdateRuleRequest.with {
      $0.parameters = ["max_wait_minutes": 45, String(repeating: "k", count: 500): -1]
    }
    do {
      try ContractLimits.check(rule)
      Issue.record("a negative parameter was accepted")
    } catch {
      guard case .invalidArgument(let field, let message) = error else { return }
      #expect(field == "parameters" && message.count < 120, "\(message)")
    }
    let model = Hall_Supervision_V1_SetScoreModelRequest.with {
      $0.terms = [.with { $0.weight = .nan }]
    }
    #expect(throws: ServiceError.self) { try ContractLimits.check(model) }
  }

  @Test("answers quote input briefly and status messages stay bounded")
  func quoting() {
    let long = String(repeating: "码", count: 10_000)
    #expect(Quote.brief(long).count < 70)
    #expect(Quote.brief("HL-SCJG-001") == "HL-SCJG-001")
    let status = Quote.status("item \(long) is unknown")
    #expect(status.utf8.count <= Quote.statusLimit && status.hasPrefix("item 码"))
  }
}

/// #14 point 8: a request larger than its method takes is refused with RESOURCE_EXHAUSTED,
/// the text of nested messages and maps counted too.
@Suite("Request size")
struct RequestSizeTests {
  @Test("more text than the method takes is RESOURCE_EXHAUSTED; a method may take more")
  func oversized() throws {
    let big = Hall_Intake_V1_SubmitCaseRequest.with {
      $0.form = ["enterprise_name": String(repeating: "字", count: 2 << 20)]
    }
    #expect(throws: ServiceError.self) { try ContractLimits.check(big) }
    do {
      try ContractLimits.check(big)
    } catch {
      #expect(error.rpcErrorCode == .resourceExhausted)
    }
    try ContractLimits.check(big, maximumBytes: 16 << 20)
    let nested = Hall_Supervision_V1_ReportCasesRequest.with {
      $0.cases = (0..<5).map { index in
        .with { $0.caseNumber = String(repeating: "\(index)", count: 1 << 20) }
      }
    }
    #expect(throws: ServiceError.self) { try ContractLimits.check(nested) }
  }
}
