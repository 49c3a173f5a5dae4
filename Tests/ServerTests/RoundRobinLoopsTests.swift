import NIOCore
import NIOPosix
import Testing

@testable import HallDatabase

/// A database pool opens its connections on `any()`. Asked from one of the group's own loops,
/// NIO's group answers with that loop every time, which gathered a pool's connections on one
/// thread; the pool's group must hand the loops out in turn wherever it is asked from.
@Suite("A pool's event loops") struct RoundRobinLoopsTests {
  @Test("asked from one of the group's own loops, the loops are still handed out in turn")
  func spreadFromALoop() async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 3)
    let loops = RoundRobinLoops(group)
    let loop = group.next()
    let spread = try await loop.submit {
      (0..<3).map { _ in ObjectIdentifier(loops.any()) }
    }.get()
    let gathered = try await loop.submit {
      (0..<3).map { _ in ObjectIdentifier(group.any()) }
    }.get()
    try await group.shutdownGracefully()

    #expect(Set(spread).count == 3)
    #expect(Set(gathered) == [ObjectIdentifier(loop)])
  }
}
