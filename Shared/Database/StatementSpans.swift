import Tracing

/// A span for each statement a traced call or event runs (OPS-3), named by its first keyword
/// and carrying its text: the texts have placeholders, never values, so no personal data
/// leaves with them.
///
/// Only inside a trace: the background loops (the sequencer, the samplers, the feeds'
/// cursors) run statements many times a second that belong to no request, and a trace of
/// their own each would bury the calls' traces. Outside one, the statement runs as it is,
/// at the cost of reading a task-local.
enum StatementSpans {
  static func traced<Result>(
    _ sql: String, _ body: () async throws -> Result
  ) async throws -> Result {
    guard InstrumentationContext.current != nil else { return try await body() }
    return try await withSpan(operation(of: sql), ofKind: .client) { span in
      span.attributes["db.system.name"] = "postgresql"
      span.attributes["db.query.text"] = sql
      return try await body()
    }
  }

  /// The statement's first keyword ("SELECT", "WITH"), as OpenTelemetry's database
  /// conventions name a span when the table is not known.
  static func operation(of sql: String) -> String {
    let keyword = sql.drop(while: \.isWhitespace).prefix(while: \.isLetter)
    return keyword.isEmpty ? "postgresql" : keyword.uppercased()
  }
}
