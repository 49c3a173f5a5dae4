import Logging

/// How intake's workers run: passes until one finds nothing to do, then a pause, until the
/// service stops. A failed pass is logged and tried again after the pause; one that fails
/// because the service is stopping ends the loop with its error.
enum Passes {
  static func repeatUntilCancelled(
    every interval: Duration, logger: Logger, failure: Logger.Message,
    _ pass: () async throws -> Int
  ) async throws {
    while !Task.isCancelled {
      do {
        while try await pass() > 0 {}
      } catch  where !Task.isCancelled {
        logger.warning(failure, metadata: ["error": "\(error)"])
      }
      try? await Task.sleep(for: interval)
    }
  }
}
