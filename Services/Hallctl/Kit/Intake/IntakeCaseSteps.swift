import ArgumentParser
import Foundation
import HallContracts
import SwiftProtobuf

// The applicant's answers to the hall, and what the window records after the decision.

struct IntakeCorrect: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "correct",
    abstract: "Bring what a correction notice listed [补正].",
    discussion: """
      Needs the applicant's token (or the agent's). Every item of the outstanding notice \
      must be among the materials.

      Example: hallctl intake case correct HL-SCJG-004-20260928-0007 --material m1
      """)

  @OptionGroup var target: CaseTarget

  @Option(name: .customLong("material"), help: "Material id brought (repeat per material).")
  var materials: [String]

  func run() async throws {
    try await target.change({ try await $0.submitCorrection($1) }) {
      $0.materialIds = materials
    }
  }
}

struct IntakeSupply: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "supply",
    abstract: "Supply materials promised under a shortfall commitment [容缺补齐].",
    discussion: """
      Needs the applicant's token; the shortfall closes when everything promised is in.

      Example: hallctl intake case supply HL-SCJG-004-20260928-0007 --material m3
      """)

  @OptionGroup var target: CaseTarget

  @Option(name: .customLong("material"), help: "Material id supplied (repeat per material).")
  var materials: [String]

  func run() async throws {
    try await target.change({ try await $0.supplyShortfall($1) }) {
      $0.materialIds = materials
    }
  }
}

struct IntakeWithdraw: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "withdraw",
    abstract: "Withdraw a case at the applicant's wish [撤回].",
    discussion: """
      Needs the applicant's token.

      Example: hallctl intake case withdraw HL-SCJG-004-20260928-0007 --reason "不再经营"
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Why, in words.") var reason: String

  func run() async throws {
    try await target.change({ try await $0.withdrawCase($1) }) {
      $0.reason = reason
    }
  }
}

struct IntakeDeliver: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deliver",
    abstract: "Deliver an issued result the way the applicant chose [送达].",
    discussion: """
      Needs a clerk's token. Free post needs the tracking number.

      Example: hallctl intake case deliver HL-SCJG-004-20260928-0007 --reference EMS1234567
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Post tracking number, or electronic delivery reference.") var reference = ""

  func run() async throws {
    try await target.change({ try await $0.deliverResult($1) }) {
      $0.reference = reference
    }
  }
}

struct IntakeFee: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fee",
    abstract: "Record a fee charged on a case; it is checked against the item's standard.",
    discussion: """
      Needs a clerk's token.

      Example: hallctl intake case fee HL-SCJG-004-20260928-0007 --amount 10 --receipt 41000123
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Amount in yuan, e.g. 10 or 12.50.", transform: IntakeFee.fen) var amount: Int64

  @Option(help: "Receipt number [缴款书号].") var receipt: String

  /// Yuan to fen without floating point, so 0.29 stays 29 fen.
  static func fen(_ text: String) throws -> Int64 {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let yuan = Int64(parts[0]), yuan >= 0,
      parts.count == 1 || ((1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isNumber))
    else { throw ValidationError("--amount wants yuan with at most two decimals, got \(text)") }
    let fraction =
      parts.count == 2 ? parts[1].padding(toLength: 2, withPad: "0", startingAt: 0) : "0"
    return yuan * 100 + (Int64(fraction) ?? 0)
  }

  func run() async throws {
    try await target.change({ try await $0.recordFee($1) }) {
      $0.amountFen = amount
      $0.receiptNumber = receipt
    }
  }
}

struct IntakeVisit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "visit",
    abstract: "Record an on-site visit of the applicant [跑动], counted against the promise.",
    discussion: """
      Needs a clerk's token.

      Example: hallctl intake case visit HL-SCJG-004-20260928-0007 --purpose 领取证照
      """)

  @OptionGroup var target: CaseTarget

  @Option(help: "Why they came, e.g. 领取证照.") var purpose: String

  func run() async throws {
    try await target.change({ try await $0.recordVisit($1) }) {
      $0.purpose = purpose
    }
  }
}
