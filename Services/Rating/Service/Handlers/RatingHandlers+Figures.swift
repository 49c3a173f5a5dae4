import GRPCCore
import HallAuth
import HallCalendar
import HallContracts
import HallServer
import SwiftProtobuf

/// Attitude and environment marks (RAT-4), and the figures (RAT-5), computed from the data
/// by the definitions written once in rating_service.proto.
extension RatingHandlers {
  func recordMark(
    request: RecordMarkRequest, context: ServerContext
  ) async throws -> Mark {
    let caller = try Caller.required()
    let mark = request.mark
    try Marks.check(mark)
    // The mark is the call's only write: one statement, atomic by itself.
    return try await service.change(request.requestID, context, transaction: false) { db in
      let now = service.clock.now
      var mark = mark
      mark.id = "\(service.identity.idPrefix)MK-\(request.requestID)"
      mark.time = .init(date: now)
      mark.recordedBy = caller.subject
      var writes = Writes()
      writes.add(try MarkStore.insert(mark), .markRecorded, about: mark.id, mark, at: now)
      return try await writes.change(mark, on: db)
    }
  }

  func getFigures(
    request: GetFiguresRequest, context: ServerContext
  ) async throws -> GetFiguresResponse {
    let period = try FigurePeriod(
      from: try Days.civil(request.from, field: "from"),
      to: try Days.civil(request.to, field: "to"))
    let group = try FigureGroup(request.grouping)
    let table = try await service.read { db in
      try await FigureStore(db: db).counts(by: group, in: period)
    }
    return .with { $0.rows = table.figures }
  }
}
