import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
import Testing

/// A ``RotatingKeySource`` over ``PostgresKeyStore``: instances on one database share the keys.
@Suite(.enabled(if: TestDatabase.isEnabled, "JWT_AUTH_POSTGRES_URL is not set"))
struct PostgresKeyStoreTests {
    @Test func aRotationOnOneInstanceSignsOnAnotherAtItsNextLook() async throws {
        let stores = ConnectedStores()
        try await stores.databaseURL()
        let (a, b) = (PostgresKeyStore(store: try await stores.connect()), PostgresKeyStore(store: try await stores.connect()))
        let clock = stores.clock
        let sourceA = try await RotatingKeySource(store: a, signingWith: .es256, clock: clock.clock)
        let sourceB = try await RotatingKeySource(store: b, signingWith: .es256, clock: clock.clock)
        let first = try #require(sourceA.current.signingKey?.keyID)
        #expect(sourceB.current.signingKey?.keyID == first, "one key for both instances")

        let second = try #require(try await a.rotate(algorithm: .es256).keyID)
        clock.advance(by: .seconds(1))
        let snapshot = try await sourceB.signingSnapshot()
        #expect(snapshot.signingKey?.keyID == second)
        #expect(snapshot.keys[keyID: first] != nil, "the previous key keeps verifying")

        await #expect(throws: JWTAuthError.invalidKey("")) { try await b.retire(second) }
        try await b.retire(first)
        clock.advance(by: .seconds(1))
        #expect(try await sourceA.verificationKeys(for: first).keys[keyID: first] == nil)
        await stores.closeAll()
    }
}
