import HallContracts
import HallServer
import SwiftProtobuf

/// The performance score [绩效考核成绩] (SUP-8, Rules Art. 16): a model of weighted terms kept
/// as data, applied to a group's figures.
enum ScoreModels {
  /// Version 0, in force until a supervisor sets one: 100 points, the red-card term against
  /// the 8 % target of seed 003.
  static let standard = ScoreModel.with {
    $0.version = 0
    $0.terms = [
      term(.onTimeRate, 30),
      term(.redCardRate, 20) { $0.targetBp = 800 },
      term(.sameDayRate, 15),
      term(.satisfactionRate, 25),
      term(.anomaliesPerThousand, 10) { $0.penaltyPoints = 1 },
    ]
  }

  private static func term(
    _ measure: ScoreMeasure, _ weight: Double, _ adjust: (inout ScoreTerm) -> Void = { _ in }
  ) -> ScoreTerm {
    var term = ScoreTerm()
    term.measure = measure
    term.weight = weight
    adjust(&term)
    return term
  }

  static func validate(_ terms: [ScoreTerm]) throws(ServiceError) {
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
  static func points(_ model: ScoreModel, _ row: FigureRow) -> [Double] {
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

  /// The monthly report's lines (SUP-8): each group's figures scored by `model`, best
  /// first (then by key); equal scores share a rank.
  static func rankedLines(_ rows: [FigureRow], by model: ScoreModel) -> [ReportLine] {
    var lines = rows.map { row in
      let points = Self.points(model, row)
      return ReportLine.with {
        $0.figures = row
        $0.termPoints = points
        $0.score = (points.reduce(0, +) * 100).rounded() / 100
      }
    }
    lines.sort { ($0.score, $1.figures.key) > ($1.score, $0.figures.key) }
    for index in lines.indices {
      lines[index].rank =
        index > 0 && lines[index].score == lines[index - 1].score
        ? lines[index - 1].rank : Int32(index + 1)
    }
    return lines
  }
}
