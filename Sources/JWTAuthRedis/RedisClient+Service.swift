public import ServiceLifecycle

extension RedisClient: Service {
    /// Keeps the client until graceful shutdown (or cancellation), then closes its connections: hand the
    /// client to your `ServiceGroup` (or Hummingbird's `Application(services:)`) so that shutdown closes it.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
