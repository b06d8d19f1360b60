import JWTAuth
import JWTAuthTesting
import Testing

@Suite struct TokenRoundTripTests {
    @Test(arguments: SigningAlgorithm.all)
    func issuedTokensVerify(algorithm: SigningAlgorithm) async throws {
        let factory = try TokenFactory(algorithm: algorithm)
        let pair = try factory.issuer.tokenPair(for: "42", claims: ["roles": ["user", "admin"]])
        let verifier = try factory.verifier(revocationStore: MemoryRevocationStore(clock: factory.clock.clock))
        let access = try await verifier.verify(pair.access.token, as: .access, requireFresh: true)
        #expect(access.subject == "42")
        #expect(access.claims.strings("roles") == ["user", "admin"])
        #expect(access.claims.sessionID == pair.refresh.sessionID)
        let refresh = try await verifier.verify(pair.refresh.token, as: .refresh)
        #expect(refresh.claims.tokenType == .refresh)
        await #expect(throws: JWTAuthError.accessRequired) { try await verifier.verify(pair.refresh.token, as: .access) }
        await #expect(throws: JWTAuthError.refreshRequired) { try await verifier.verify(pair.access.token, as: .refresh) }
    }

    @Test func memoryStorePassesTheConformanceSuite() async throws {
        let clock = SettableClock()
        try await RevocationStoreConformance(makeStore: { MemoryRevocationStore(clock: clock.clock) }, clock: clock).run()
    }

    @Test func expiredAndRevokedTokensAreRejected() async throws {
        let factory = try TokenFactory()
        let store = MemoryRevocationStore(clock: factory.clock.clock)
        let verifier = try factory.verifier(revocationStore: store)
        let issued = try factory.issuer.accessToken(for: "7")
        _ = try await verifier.verify(issued.token)
        await store.revoke(tokenID: issued.id, until: issued.expiresAt)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(issued.token) }
        let other = try factory.issuer.accessToken(for: "7")
        factory.clock.advance(by: .seconds(901))
        await #expect(throws: JWTAuthError.tokenExpired) { try await verifier.verify(other.token) }
    }
}
