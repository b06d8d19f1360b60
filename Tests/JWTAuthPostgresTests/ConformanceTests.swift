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

    /// What refills Redis: the live rows with their exact ids and times, whichever instance wrote them.
    @Test(.bug(id: 20, "the in-memory revocation index took about 250 bytes per revocation"))
    func theSnapshotHoldsTheLiveRowsWithTheirIds() async throws {
        let stores = ConnectedStores()
        let (a, b) = (try await stores.connect(), try await stores.connect())
        let jti = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
        let start = stores.clock.now
        try await a.revoke(tokenID: jti, until: start + 600.25)
        try await a.revoke(tokenID: jti.uppercased(), until: start + 60)
        try await a.revoke(tokenID: "over", until: start + 5)
        try await b.revoke(sessionID: "sid-1", until: start + 600)
        try await b.revokeAll(subject: "7", issuedBefore: start - 0.5)
        stores.clock.advance(by: .seconds(10))
        let expected = RevocationSnapshot(
            tokens: [jti: start + 600.25, jti.uppercased(): start + 60],
            sessions: ["sid-1": start + 600],
            cutoffs: ["7": start - 0.5]
        )
        #expect(try await a.revocationSnapshot() == expected)
        await stores.closeAll()
    }
}
