public import ServiceLifecycle

/// Runs a ``PostgresStore``'s purges until graceful shutdown, then closes the store (and so the
/// connection pool it runs).
public struct PostgresStoreService: Service {
    public let store: PostgresStore
    public let purgeInterval: Duration

    public init(store: PostgresStore, purgeEvery purgeInterval: Duration = .seconds(600)) {
        self.store = store
        self.purgeInterval = purgeInterval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await store.run(purgeEvery: purgeInterval)
        }
        await store.close()
    }
}
