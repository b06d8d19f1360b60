import JWTAuth
import JWTAuthRedis
import JWTAuthTesting
import Testing

@Suite(.enabled(if: RedisTestServers.enabled())) struct RedisRevocationStoreTests {
    @Test func passesTheConformanceSuiteWithASettableClock() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let clock = SettableClock()
        let conformance = RevocationStoreConformance(
            makeStore: { RedisRevocationStore(client: client, keyPrefix: RedisTestServers.uniquePrefix(), clock: clock.clock) },
            clock: clock
        )
        try await conformance.run()
        await client.close()
    }

    @Test func passesTheConformanceSuiteWithTheSystemClock() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let conformance = RevocationStoreConformance(makeStore: {
            RedisRevocationStore(client: client, keyPrefix: RedisTestServers.uniquePrefix())
        })
        try await conformance.run()
        await client.close()
    }

    @Test func entriesExpireInRedisWhenTheTokenDoes() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let clock = SettableClock()
        let prefix = RedisTestServers.uniquePrefix()
        let store = RedisRevocationStore(client: client, keyPrefix: prefix, cutoffLifetime: .seconds(7 * 86400), clock: clock.clock)
        try await store.revoke(tokenID: "a", until: clock.now + 900)
        try await store.revoke(sessionID: "s", until: clock.now + 604_800.25)
        try await store.revokeAll(subject: "42", issuedBefore: clock.now - 100)

        func ttl(_ key: String) async throws -> Int64? {
            guard case .integer(let ttl) = try await client.send("TTL", prefix + key) else { return nil }
            return ttl
        }
        // Redis rounds the TTL it reports to whole seconds, and real seconds pass between set and read
        // (a busy machine: allow ten).
        #expect(try await (890...900).contains(ttl("jti:a") ?? 0))
        #expect(try await (604_791...604_801).contains(ttl("sid:s") ?? 0))
        #expect(try await (604_690...604_700).contains(ttl("cutoff:42") ?? 0))
        // The time itself is kept exactly.
        #expect(try await client.send("GET", prefix + "sid:s").string.flatMap(Double.init) == clock.now + 604_800.25)
        await client.close()
    }

    @Test func aLaterRevocationLengthensAndAnEarlierOneKeepsTheEntry() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let clock = SettableClock()
        let prefix = RedisTestServers.uniquePrefix()
        let store = RedisRevocationStore(client: client, keyPrefix: prefix, clock: clock.clock)
        try await store.revoke(sessionID: "s", until: clock.now + 60)
        try await store.revoke(sessionID: "s", until: clock.now + 600)
        try await store.revoke(sessionID: "s", until: clock.now + 10)
        #expect(try await client.send("GET", prefix + "sid:s").string.flatMap(Double.init) == clock.now + 600)
        clock.advance(by: .seconds(599))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "x", sessionID: "s")))
        await client.close()
    }

    @Test func aCutoffWithoutLifetimeNeverExpiresAndATokenWithoutIatIsRevoked() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let prefix = RedisTestServers.uniquePrefix()
        let store = RedisRevocationStore(client: client, keyPrefix: prefix)
        try await store.revokeAll(subject: "7", issuedBefore: JWTClock.system.now)
        #expect(try await client.send("TTL", prefix + "cutoff:7") == .integer(-1))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "t", subject: "7", issuedAt: nil)))
        await client.close()
    }

    @Test func revocationsThatAreAlreadyOverWriteNothing() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let clock = SettableClock()
        let prefix = RedisTestServers.uniquePrefix()
        let store = RedisRevocationStore(client: client, keyPrefix: prefix, clock: clock.clock)
        try await store.revoke(tokenID: "old", until: clock.now - 1)
        #expect(try await client.send("EXISTS", prefix + "jti:old") == .integer(0))
        await client.close()
    }

    @Test func aMalformedEntryFailsTheCheckInsteadOfPassingIt() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let prefix = RedisTestServers.uniquePrefix()
        let store = RedisRevocationStore(client: client, keyPrefix: prefix)
        _ = try await client.send("SET", prefix + "jti:bad", "not a time")
        await #expect(throws: RedisError.protocolError) { try await store.isRevoked(RevocationQuery(tokenID: "bad")) }
        await client.close()
    }

    @Test func keysOfOneKindNeverAnswerForAnother() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let store = RedisRevocationStore(client: client, keyPrefix: RedisTestServers.uniquePrefix())
        let until = JWTClock.system.now + 600
        try await store.revoke(sessionID: "same", until: until)
        #expect(try await !store.isRevoked(RevocationQuery(tokenID: "same")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "other", sessionID: "same")))
        await client.close()
    }

    @Test func aVerifierOnTheStoreRejectsATokenRevokedByAnotherInstance() async throws {
        let configuration = try RedisTestServers.configuration()
        let (clientA, clientB) = (RedisClient(configuration: configuration), RedisClient(configuration: configuration))
        let prefix = RedisTestServers.uniquePrefix()
        let factory = try TokenFactory()
        let storeA = RedisRevocationStore(client: clientA, keyPrefix: prefix, clock: factory.clock.clock)
        let storeB = RedisRevocationStore(client: clientB, keyPrefix: prefix, clock: factory.clock.clock)
        let verifier = try factory.verifier(revocationStore: storeB)
        let token = try factory.token()
        let claims = try await verifier.verify(token).claims
        try await storeA.revoke(tokenID: try #require(claims.id), until: try #require(claims.expiresAt))
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(token) }
        await clientA.close()
        await clientB.close()
    }
}
