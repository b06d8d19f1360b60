import JWTAuth
import JWTAuthSQLite
import JWTAuthTesting
import Testing

@Suite struct ConformanceTests {
    @Test func sqliteStoreIsARevocationStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stores = OpenedStores(directory: directory, clock: SettableClock())
        try await RevocationStoreConformance(makeStore: { try await stores.open() }, clock: stores.clock).run()
        try await stores.closeAll()
    }

    @Test func sqliteStoreIsAUserAndSessionStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stores = OpenedStores(directory: directory, clock: SettableClock())
        try await UserStoreConformance(makeStore: { try await stores.open() }, clock: stores.clock).run()
        try await stores.closeAll()
    }

    @Test func memoryUserStoreIsAUserAndSessionStore() async throws {
        let clock = SettableClock()
        try await UserStoreConformance(makeStore: { MemoryUserStore(clock: clock.clock) }, clock: clock).run()
    }

    @Test func suiteRunsWithoutASettableClock() async throws {
        try await UserStoreConformance(makeStore: { MemoryUserStore() }).run()
    }
}
