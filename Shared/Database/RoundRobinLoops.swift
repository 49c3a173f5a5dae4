import Dispatch
import NIOCore
import NIOPosix

/// The event loops a pool opens its database connections on, handed out in turn.
///
/// PostgresNIO opens each connection on `group.any()`, which a `MultiThreadedEventLoopGroup`
/// answers with the caller's own loop when the caller runs on one. With NIO's loops as the
/// concurrency pool (ServiceMain installs them), the pool's runner is such a caller, so a
/// pool's connections gathered on whichever loop it happened to run on when it opened them.
/// One thread then did the I/O of every statement while the other cores idled, and where
/// the connections landed changed from one start to the next. In the intake benchmark on
/// two cores, a start with every connection on one loop managed 1 004 window acceptances/s,
/// starts with them spread 1 100 to 1 300. `next()` is NIO's round robin.
final class RoundRobinLoops: EventLoopGroup {
  private let group: MultiThreadedEventLoopGroup

  init(_ group: MultiThreadedEventLoopGroup = .singleton) {
    self.group = group
  }

  func next() -> any EventLoop { group.next() }

  func any() -> any EventLoop { group.next() }

  func makeIterator() -> EventLoopIterator { group.makeIterator() }

  func shutdownGracefully(
    queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void
  ) {
    group.shutdownGracefully(queue: queue, callback)
  }
}
