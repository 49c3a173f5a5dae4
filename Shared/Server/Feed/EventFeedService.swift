import Foundation
public import GRPCCore
import HallAuth
public import HallContracts
import SwiftProtobuf

/// Serves a service's outbox as `hall.events.v1.EventFeed` (REL-2): what is there after the
/// caller's cursor, then new events as they are numbered, with heartbeats while idle and
/// at least every second while catching up, so that a consumer far behind knows the head.
public struct EventFeedService: Hall_Events_V1_EventFeed.SimpleServiceProtocol {
  let feed: OutboxFeed
  /// Rows read from the outbox at a time while a subscriber is behind.
  static let batch = 2000
  /// What one subscription may filter on: a few event families, not a list of every type.
  static let maxTypePrefixes = 50
  static let maxPrefixLength = 100
  static let catchUpHeartbeat = Duration.seconds(1)

  /// Whether this feed may be read whole by a deployment below this one (the catalog's,
  /// FED-2); of the others it reads only the events addressed to its region (FED-4). The
  /// deployment above reads every feed (FED-3).
  let childrenMayRead: Bool

  public init(feed: OutboxFeed, childrenMayRead: Bool = false) {
    self.feed = feed
    self.childrenMayRead = childrenMayRead
  }

  public func subscribe(
    request: FeedRequest,
    response: RPCWriter<FeedMessage>,
    context: ServerContext
  ) async throws {
    let audience = try audience()
    try Self.check(request)
    var cursor = request.afterCursor
    let prefixes = request.typePrefixes
    var headSent = ContinuousClock.now - Self.catchUpHeartbeat
    func heartbeat() async throws {
      let head = try await feed.head()
      try await response.write(
        .with {
          $0.heartbeat = .with {
            $0.cursor = cursor
            $0.headCursor = head
            $0.time = .init(date: Date())
          }
        })
      headSent = ContinuousClock.now
    }
    while !Task.isCancelled, !feed.isStopping {
      let generation = feed.generation
      // Events addressed to one region are read up to a head taken first: everything up to
      // it that is not addressed there is passed over, and the cursor moves past it.
      var addressed: (region: String, through: Int64)? = nil
      if let audience { addressed = (audience, try await feed.head()) }
      let events = try await feed.read(after: cursor, limit: Self.batch, addressedTo: addressed)
      let wanted = events.filter { event in
        prefixes.isEmpty || prefixes.contains(where: { event.type.hasPrefix($0) })
      }
      var skipped = wanted.count < events.count
      // A batch is handed to the transport at once rather than one suspension per event.
      if !wanted.isEmpty {
        try await response.write(contentsOf: wanted.map { event in .with { $0.event = event } })
      }
      if let last = events.last { cursor = last.cursor }
      if let through = addressed?.through, events.count < Self.batch, through > cursor {
        cursor = through
        skipped = true
      }
      if events.count == Self.batch {
        if ContinuousClock.now - headSent >= Self.catchUpHeartbeat { try await heartbeat() }
        continue
      }
      if skipped || events.isEmpty { try await heartbeat() }
      _ = await feed.waitForChange(after: generation)
    }
  }

  /// The region whose events a deployment below may read of this feed; nil when the caller
  /// reads it whole.
  private func audience() throws(ServiceError) -> String? {
    guard let caller = Principal.current, let deployment = caller.deployment,
      caller.linkRelation == .child, !childrenMayRead
    else { return nil }
    guard let region = caller.regionCode, !region.isEmpty else {
      throw .permissionDenied(
        "deployment \(deployment) has no region, and may read this deployment's catalog feed only"
      )
    }
    return region
  }

  private static func check(_ request: FeedRequest) throws(ServiceError) {
    guard request.afterCursor >= 0 else {
      throw .invalidArgument(field: "after_cursor", message: "must not be negative")
    }
    guard request.typePrefixes.count <= maxTypePrefixes else {
      throw .invalidArgument(
        field: "type_prefixes",
        message: "holds \(request.typePrefixes.count) prefixes; at most \(maxTypePrefixes)")
    }
    if let long = request.typePrefixes.firstIndex(where: { $0.count > maxPrefixLength }) {
      throw .invalidArgument(
        field: "type_prefixes[\(long)]", message: "is longer than \(maxPrefixLength) characters")
    }
  }
}
