import ArgumentParser
import HallContracts
import SwiftProtobuf

struct RatingMarkCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mark",
    abstract: "Record a bad attitude or environment mark, with its evidence.",
    discussion: """
      Needs a supervisor's token. Marks are good by default: only a bad one is recorded, \
      and it counts in the figures of the window, staff member and department.

      Example: hallctl rating mark --kind attitude --hall hl-hall --window W03 \\
        --staff clerk-01 --department scjg --evidence "投诉 12345-0928-001，录像 W03 10:12"
      """)

  @OptionGroup var change: RatingChange

  @Option(
    help: "\(ProtoEnum.choices(Hall_Rating_V1_MarkKind.self)).", transform: ProtoEnum.parse)
  var kind: Hall_Rating_V1_MarkKind

  @Option(help: "Hall id.") var hall = ""

  @Option(help: "Window id.") var window = ""

  @Option(help: "Staff id (required for attitude marks).") var staff = ""

  @Option(help: "Department id.") var department = ""

  @Option(help: "What was seen, and where the evidence is.") var evidence: String

  func run() async throws {
    try await change.send({ try await $0.recordMark($1) }, Self.show) {
      $0.mark = .with {
        $0.kind = kind
        $0.hallID = hall
        $0.windowID = window
        $0.staffID = staff
        $0.departmentID = department
        $0.evidence = evidence
      }
    }
  }

  static func show(_ mark: Hall_Rating_V1_Mark) {
    Output.fields([
      ("mark", mark.id), ("kind", Format.state(mark.kind)),
      ("where", Format.place(mark.hallID, mark.windowID)),
      ("staff", mark.staffID), ("department", mark.departmentID),
      ("evidence", mark.evidence),
      ("recorded", "\(Format.time(mark.time)) by \(mark.recordedBy)"),
    ])
  }
}
