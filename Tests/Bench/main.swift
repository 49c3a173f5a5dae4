import HallServer

// As in the services: concurrency on NIO's event loops, so that the figures are the
// deployment's.
await ServiceMain.start(HallBench.self)
