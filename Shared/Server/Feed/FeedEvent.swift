public import HallContracts

/// An event of a service's feed, as every consumer of one reads it (REL-2): the short name
/// the services and the feed's own code use for the contract's type.
public typealias FeedEvent = Hall_Events_V1_Event

/// What a feed's stream carries: an event or a heartbeat.
public typealias FeedMessage = Hall_Events_V1_SubscribeResponse
public typealias FeedRequest = Hall_Events_V1_SubscribeRequest
public typealias FeedHeartbeat = Hall_Events_V1_Heartbeat
