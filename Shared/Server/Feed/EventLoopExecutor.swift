import NIOCore
import NIOPosix

/// An event loop as a task executor. With NIO's loops as the concurrency pool
/// (``ServiceMain/start(_:)``) a task stays on the loop it woke on, so a feed's network reader
/// and its applier, which wake each other, shared one thread while the other core idled (a
/// city catching up with a district, FED-3). The applier prefers a loop of its own, so that
/// reading and decoding the stream and applying it run side by side.
final class EventLoopExecutor: TaskExecutor, Sendable {
  let loop: any EventLoop

  init(_ loop: any EventLoop) {
    self.loop = loop
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }

  /// The loops appliers run on: a group of their own beside NIO's singleton, whose loops do
  /// the sockets' work (and the tasks woken by it), so that catching up uses every core.
  static let appliers = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)

  /// The next applier loop.
  static func applier() -> EventLoopExecutor {
    EventLoopExecutor(appliers.next())
  }
}
