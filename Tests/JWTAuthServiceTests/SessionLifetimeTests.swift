import JWTAuth
import JWTAuthService
import JWTAuthTesting
import Testing

/// Sessions end in the record (refresh is checked there) and with one `sid` revocation that lasts only while an
/// access token of the session can be accepted: the per-request store holds what can still be presented, nothing
/// longer.
@Suite struct SessionLifetimeTests {
    typealias Harness = AuthServiceTests.Harness
    static let password = AuthServiceTests.password

    func loggedIn(_ harness: Harness) async throws -> TokenPair {
        _ = try await harness.service.register(username: "ann", password: Self.password, clientAddress: "a")
        return try await harness.service.login(username: "ann", password: Self.password, clientAddress: "a")
    }

    /// Seconds of the access lifetime plus the leeway: how long a logout's revocation counts.
    func accessWindow(_ harness: Harness) -> Double {
        let tokens = harness.factory.issuer.configuration
        return Double(tokens.accessTokenLifetime.components.seconds + tokens.leeway.components.seconds)
    }

    @Test(.bug(id: 20, "a logout wrote three week-long revocations"))
    func aLogoutWritesOneRevocationThatEndsWithTheAccessTokens() async throws {
        let harness = try Harness()
        let pair = try await loggedIn(harness)
        try await harness.service.logout(access: pair.access.claims, refreshToken: pair.refresh.token)
        #expect(await harness.revocations.count == 1, "one sid revocation, no jti of either token")
        #expect(try await !harness.accepts(pair.access))
        #expect(try await !harness.accepts(pair.refresh, as: .refresh))
        // Past the access token's life (plus leeway) the revocation has nothing left to reject and goes; the refresh
        // token, still within its own `exp`, is refused by the session store.
        harness.factory.clock.advance(by: .seconds(Int64(accessWindow(harness)) + 1))
        await harness.revocations.purgeExpired()
        #expect(await harness.revocations.count == 0)
        #expect(try await !harness.accepts(pair.refresh, as: .refresh), "a refresh token of an ended session verified")
        await #expect(throws: JWTAuthError.tokenRevoked) { try await harness.service.refresh(presented: pair.refresh.claims) }
    }

    @Test(.bug(id: 20, "the revocation must outlast every access token of the session, not only the one presented"))
    func theRevocationLastsUntilTheSessionsLatestAccessTokenExpires() async throws {
        let harness = try Harness()
        let first = try await loggedIn(harness)
        harness.factory.clock.advance(by: .seconds(600))
        let second = try await harness.service.refresh(presented: first.refresh.claims)
        // Logging out with the older access token: the newer one, 10 minutes younger, must be rejected to its end.
        try await harness.service.logout(access: first.access.claims)
        harness.factory.clock.advance(by: .seconds(Int64(second.access.expiresAt - harness.factory.clock.now) - 1))
        await harness.revocations.purgeExpired()
        #expect(try await !harness.accepts(second.access), "an access token of the session outlived its revocation")
    }

    @Test(.bug(id: 20, "refresh-token reuse must end the session without a row per spent token"))
    func aSpentRefreshTokenEndsTheSession() async throws {
        let harness = try Harness()
        let first = try await loggedIn(harness)
        let second = try await harness.service.refresh(presented: first.refresh.claims)
        #expect(await harness.revocations.count == 0, "a rotation wrote to the per-request store")
        await #expect(throws: JWTAuthError.tokenRevoked) { try await harness.service.refresh(presented: first.refresh.claims) }
        #expect(try await !harness.accepts(second.access), "the session's newer access token survived the reuse")
        await #expect(throws: JWTAuthError.tokenRevoked) { try await harness.service.refresh(presented: second.refresh.claims) }
    }

    @Test(.bug(id: 20, "logout-all: short revocations per session, refresh refused by the record"))
    func logoutEverywhereEndsEverySessionInTheRecord() async throws {
        let harness = try Harness()
        let one = try await loggedIn(harness)
        let two = try await harness.service.login(username: "ann", password: Self.password, clientAddress: "a")
        try await harness.service.logoutEverywhere(one.access.claims.subject ?? "", current: one.access.sessionID)
        #expect(try await harness.users.openSessions(of: one.access.claims.subject ?? "").isEmpty)
        harness.factory.clock.advance(by: .seconds(Int64(accessWindow(harness)) + 1))
        for pair in [one, two] {
            await #expect(throws: JWTAuthError.tokenRevoked) { try await harness.service.refresh(presented: pair.refresh.claims) }
        }
        let again = try await harness.service.login(username: "ann", password: Self.password, clientAddress: "a")
        #expect(try await harness.accepts(again.access))
    }
}
