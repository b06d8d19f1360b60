public import ServiceLifecycle

/// Runs a ``SQLiteStore``'s background work until graceful shutdown, then closes the store: purges of expired
/// rows, and the merging of revocations that other processes commit to the same file
/// (``SQLiteStore/run(purgeEvery:pollEvery:)``).
public struct SQLiteStoreService: Service {
    public let store: SQLiteStore
    /// How often expired rows are purged. Defaults to 10 minutes.
    public var purgeInterval: Duration
    /// How often the file is checked for other processes' revocations. Defaults to 1 second.
    public var pollInterval: Duration

    public init(store: SQLiteStore, purgeEvery purgeInterval: Duration = .seconds(600), pollEvery pollInterval: Duration = .seconds(1)) {
        self.store = store
        self.purgeInterval = purgeInterval
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [store, purgeInterval, pollInterval] in
            await store.run(purgeEvery: purgeInterval, pollEvery: pollInterval)
        }
        try await store.close()
    }
}
