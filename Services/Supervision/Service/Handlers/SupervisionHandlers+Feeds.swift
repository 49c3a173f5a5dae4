import GRPCCore
import HallContracts
import HallServer
import SwiftProtobuf

/// The feeds supervision follows and how far behind each is (FED-3): a district whose data
/// is late is seen in the contract, not only in the metrics.
extension SupervisionHandlers {
  func listFeedLags(request: ListFeedLagsRequest, context: ServerContext) async throws
    -> ListFeedLagsResponse
  {
    let lags = try await FeedConsumer.lags(client: service.client)
    return .with {
      $0.lags = lags.map { subscription, lag in
        let district = subscription.split(separator: "@").dropFirst().first.map(String.init)
        return .with {
          $0.subscription = subscription
          $0.deployment = district ?? ""
          $0.regionCode =
            district.flatMap { service.identity.neighbour(named: $0)?.regionCode } ?? ""
          $0.eventsBehind = max(0, lag.headCursor - lag.cursor)
          $0.secondsBehind = lag.seconds
          $0.parkedEvents = lag.parked
          if let silent = lag.silentSeconds { $0.secondsSilent = silent }
        }
      }
    }
  }
}
