import Foundation
import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallDatabase
import HallServer
import Logging
import PostgresNIO
import ServiceLifecycle
import SwiftProtobuf

/// The performance score [绩效考核成绩] (SUP-8, Rules Art. 16): a model of weighted terms kept
/// as data, applied to a group's figures.
enum ScoreModels {
  typealias Model = Hall_Supervision_V1_ScoreModel

  /// Version 0, in force until a supervisor sets one: 100 points, the red-card term against
  /// the 8 % target of seed 003.
  static let standard = Model.with {
    $0.version = 0
    $0.terms = [
      .with {
        $0.measure = .onTimeRate
        $0.weight = 30
      },
      .with {
        $0.measure = .redCardRate
        $0.weight = 20
        $0.targetBp = 800
      },
      .with {
        $0.measure = .sameDayRate
        $0.weight = 15
      },
      .with {
        $0.measure = .satisfactionRate
        $0.weight = 25
      },
      .with {
        $0.measure = .anomaliesPerThousand
        $0.weight = 10
        $0.penaltyPoints = 1
      },
    ]
  }

  static func current(on connection: PostgresConnection, logger: Logger) async throws -> Model {
    let rows = try await connection.query(
      "SELECT body FROM score_models ORDER BY version DESC LIMIT 1", logger: logger
    ).collect()
    guard let row = rows.first else { return standard }
    return try Model(bytea: try row.decode(ByteBuffer.self))
  }

  static func validate(_ terms: [Hall_Supervision_V1_ScoreTerm]) throws(ServiceError) {
    guard !terms.isEmpty else {
      throw .invalidArgument(field: "terms", message: "a model needs at least one term")
    }
    var seen: Set<Int> = []
    for (index, term) in terms.enumerated() {
      let field = "terms[\(index)]"
      guard (1...5).contains(term.measure.rawValue) else {
        throw .invalidArgument(field: "\(field).measure", message: "is required")
      }
      guard seen.insert(term.measure.rawValue).inserted else {
        throw .invalidArgument(field: "\(field).measure", message: "\(term.measure) appears twice")
      }
      guard term.weight > 0, term.weight <= 1000, term.weight.isFinite else {
        throw .invalidArgument(
          field: "\(field).weight", message: "must be above 0 and at most 1000")
      }
      guard term.penaltyPoints >= 0, term.penaltyPoints.isFinite,
        term.measure == .anomaliesPerThousand || term.penaltyPoints == 0
      else {
        throw .invalidArgument(
          field: "\(field).penalty_points",
          message: "is only for ANOMALIES_PER_THOUSAND, not negative")
      }
      guard (0...10_000).contains(term.targetBp),
        term.measure == .redCardRate || term.targetBp == 0
      else {
        throw .invalidArgument(
          field: "\(field).target_bp", message: "is only for RED_CARD_RATE, from 0 to 10000")
      }
    }
  }

  /// Each term's points for `row`, in the model's order.
  static func points(_ model: Model, _ row: Hall_Supervision_V1_FigureRow) -> [Double] {
    func rate(_ part: Int64, _ whole: Int64) -> Double {
      whole == 0 ? 1 : Double(part) / Double(whole)
    }
    return model.terms.map { term in
      let points: Double
      switch term.measure {
      case .onTimeRate: points = term.weight * rate(row.completedOnTime, row.completedCases)
      case .sameDayRate:
        points = term.weight * rate(row.onTheSpotSameDay, row.onTheSpotCompleted)
      case .satisfactionRate: points = term.weight * rate(row.goodRatings, row.ratings)
      case .redCardRate:
        let red =
          row.acceptedCases == 0 ? 0 : Double(row.redCardedCases) / Double(row.acceptedCases)
        points =
          term.targetBp > 0 && red * 10_000 > Double(term.targetBp) ? 0 : term.weight * (1 - red)
      case .anomaliesPerThousand:
        let perThousand = Double(row.anomalies) * 1000 / Double(max(row.acceptedCases, 1))
        points = max(0, term.weight - term.penaltyPoints * perThousand)
      default: points = 0
      }
      return (points * 100).rounded() / 100
    }
  }
}
