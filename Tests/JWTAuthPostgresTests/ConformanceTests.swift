import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
import Testing

/// The core's conformance suites against a real PostgreSQL server.
@Suite(.enabled(if: TestDatabase.isEnabled, "JWT_AUTH_POSTGRES_URL is not set"))
struct ConformanceTests {
    @Test func postgresStoreIsARevocationStore() async throws {
        let stores = ConnectedStores()
        try await RevocationStoreConformance(makeStore: { try await stores.connect() }, clock: stores.clock).run()
        await stores.closeAll()
    }

    @Test func postgresStoreIsAUserAndSessionStore() async throws {
        let stores = ConnectedStores()
        try await UserStoreConformance(makeStore: { try await stores.connect() }, clock: stores.clock).run()
        await stores.closeAll()
    }

    @Test func suitesRunWithTheSystemClock() async throws {
        let url = try TestDatabase.requiredURL()
        let store = try await PostgresStore.connect(url: url, timeout: .seconds(30))
        try await RevocationStoreConformance(makeStore: { store }).run()
        try await UserStoreConformance(makeStore: { store }).run()
        await store.close()
    }
}
