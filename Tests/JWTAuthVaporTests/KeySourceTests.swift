#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTestSupport
import JWTAuthTesting
import JWTAuthVapor
import Testing
import Vapor
import VaporTesting

/// `JWTManager(keySource:…)`: a Vapor manager over a key source alone (a remote JWKS, a rotated directory).
@Suite struct KeySourceTests {
    /// With a source that has its keys at hand, the same answers come without waiting for it.
    @Test(arguments: [false, true]) func theSourceAloneVerifiesAndRevocationStillApplies(immediately: Bool) async throws {
        let issuerSide = try TokenFactory(algorithm: .es256)
        let stranger = try TokenFactory(algorithm: .es256, clock: issuerSide.clock)
        let source = FixedKeySource(try issuerSide.verificationKeys, immediately: immediately)
        let revocations = MemoryRevocationStore(clock: issuerSide.clock.clock)
        let manager = try JWTManager(keySource: source, revocationStore: revocations, clock: issuerSide.clock.clock)
        let good = try issuerSide.issuer.accessToken(for: "7")
        let revoked = try issuerSide.issuer.accessToken(for: "8")
        await revocations.revoke(tokenID: try #require(revoked.claims.id), until: revoked.expiresAt)
        let fixture = try VaporFixture()
        try await fixture.withApp(manager) { app in
            #expect(try await app.send(.GET, Carried("/required", good.token, at: .headers)).object["user"] == "7")
            let foreign = try await app.send(.GET, Carried("/required", try stranger.issuer.accessToken(for: "7").token, at: .headers))
            #expect(foreign.status == .unauthorized)
            #expect(try await app.send(.GET, Carried("/required", revoked.token, at: .headers)).object["error"] == "token_revoked")
        }
        #expect(source.timesAsked > 0)
        if immediately {
            // Revocation is in memory and the tokens are bearer tokens: nothing was waited for.
            #expect(source.timesAwaited == 0)
        }
    }
}
#endif
