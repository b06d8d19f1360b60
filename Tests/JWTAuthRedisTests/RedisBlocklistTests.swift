import JWTAuth
import JWTAuthRedis
import JWTAuthTesting
import Testing

@Suite(.enabled(if: RedisTestServers.enabled())) struct RedisBlocklistTests {
    func blocklist(_ client: RedisClient, prefix: String, record: IndexRecord, clock: JWTClock = .system) -> RedisBlocklist {
        record.blocklist(on: client, prefix: prefix, clock: clock)
    }

    @Test func passesTheConformanceSuite() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let clock = SettableClock()
        let conformance = RevocationStoreConformance(
            makeStore: {
                blocklist(client, prefix: RedisTestServers.uniquePrefix(), record: IndexRecord(clock: clock.clock), clock: clock.clock)
            },
            clock: clock
        )
        try await conformance.run()
        await client.close()
    }

    /// A logout on the blocklist is one Redis key, the session's, expiring with the session's last access token
    /// (plus the leeway): not the week of the refresh token.
    @Test(.bug(id: 20, "a logout wrote three week-long Redis keys"))
    func aLogoutIsOneKeyThatExpiresWithTheAccessTokens() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let prefix = RedisTestServers.uniquePrefix()
        let clock = SettableClock(now: JWTClock.system.now)
        let store = blocklist(client, prefix: prefix, record: IndexRecord(clock: clock.clock), clock: clock.clock)
        let sessions = MemoryUserStore(clock: clock.clock)
        let tokens = TokenConfiguration(accessTokenLifetime: .seconds(900), refreshTokenLifetime: .seconds(7 * 86400), leeway: .seconds(30))
        let access = clock.now + 900
        try await sessions.openSession(
            SessionRecord(id: "s1", subject: "7", refreshTokenID: "r1", accessTokensUntil: access, expiresAt: clock.now + 7 * 86400)
        )
        let ending = UserSessions(sessions: sessions, revocations: store, tokens: tokens, clock: clock.clock)
        let refresh = JWTClaims(members: ["jti": "r1", "sid": "s1", "sub": "7", "type": "refresh", "exp": .double(clock.now + 7 * 86400)])
        try await ending.end(JWTClaims(members: ["jti": "a1", "sid": "s1", "sub": "7", "type": "access", "exp": .double(access)]))
        try await ending.end(refresh)
        guard case .array(let keys?) = try await client.send("KEYS", prefix + "*") else { throw RedisError.protocolError }
        #expect(keys.compactMap(\.string) == [prefix + "sid:s1"])
        guard case .integer(let ttl) = try await client.send("TTL", prefix + "sid:s1") else { throw RedisError.protocolError }
        #expect((920...931).contains(ttl), "the sid key lives \(ttl) s, not the access lifetime plus leeway")
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "other", sessionID: "s1")))
        await client.close()
    }

    @Test func writesGoToTheRecordAndToRedis() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let (prefix, record) = (RedisTestServers.uniquePrefix(), IndexRecord())
        let store = blocklist(client, prefix: prefix, record: record)
        let now = JWTClock.system.now
        try await store.revoke(tokenID: "t", until: now + 60)
        try await store.revoke(sessionID: "s", until: now + 60)
        try await store.revokeAll(subject: "9", issuedBefore: now)
        let snapshot = await record.snapshot
        #expect(snapshot.tokens["t"] == now + 60 && snapshot.sessions["s"] == now + 60 && snapshot.cutoffs["9"] == now)
        let values = try await client.send(["MGET", prefix + "jti:t", prefix + "sid:s", prefix + "cutoff:9"])
        #expect(values == .array([.bulkString("\(now + 60)"), .bulkString("\(now + 60)"), .bulkString("\(now)")]))
        await client.close()
    }

    @Test func anEmptiedRedisIsRefilledFromTheRecordBeforeTheNextAnswer() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let (prefix, record) = (RedisTestServers.uniquePrefix(), IndexRecord())
        let now = JWTClock.system.now
        // Revocations the record holds but Redis never saw (written by an instance before Redis lost them).
        await record.revoke(tokenID: "t", until: now + 60)
        await record.revoke(tokenID: "over", until: now - 1)
        await record.revoke(sessionID: "s", until: now + 60)
        await record.revokeAll(subject: "9", issuedBefore: now)
        let store = blocklist(client, prefix: prefix, record: record)
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "t")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "x", sessionID: "s")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "y", subject: "9", issuedAt: now - 1)))
        #expect(try await !store.isRevoked(RevocationQuery(tokenID: "y", subject: "9", issuedAt: now)))
        #expect(try await client.send("EXISTS", prefix + "filled", prefix + "jti:t", prefix + "jti:over") == .integer(2))
        await client.close()
    }

    @Test func concurrentChecksShareOneRefill() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let (prefix, record) = (RedisTestServers.uniquePrefix(), IndexRecord())
        let now = JWTClock.system.now
        for index in 0..<2000 { await record.revoke(tokenID: "t\(index)", until: now + 600) }
        let store = blocklist(client, prefix: prefix, record: record)
        let revoked = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<200 { group.addTask { try await store.isRevoked(RevocationQuery(tokenID: "t\(index * 10)")) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(revoked == 200)
        await client.close()
    }
}

/// Redis stopped and started again by scripts/redis-test-server's supervisor, without persistence.
@Suite(.enabled(if: RedisTestServers.enabled(RedisTestServers.restartable))) struct RedisRestartTests {
    @Test func aRestartedServerIsReconnectedAndRefilledAndNoCheckPassesMeanwhile() async throws {
        var configuration = try RedisTestServers.configuration(RedisTestServers.restartable)
        configuration.maximumReconnectDelay = .milliseconds(200)
        let client = RedisClient(configuration: configuration)
        let record = IndexRecord()
        let prefix = RedisTestServers.uniquePrefix()
        let store = RedisBlocklist(
            record: record,
            redis: RedisRevocationStore(client: client, keyPrefix: prefix),
            snapshot: { await record.snapshot }
        )
        let until = JWTClock.system.now + 600
        try await store.revoke(tokenID: "revoked", until: until)
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "revoked")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "fine")) == false)

        let killer = RedisClient(configuration: configuration)
        _ = try? await killer.send("SHUTDOWN", "NOSAVE")  // the server closes the connection instead of answering
        await killer.close()

        // The supervisor starts it again, empty, after 2 s. Until then every check throws; none says "not revoked".
        var failures = 0
        var recovered = false
        for _ in 0..<300 {
            do {
                let revoked = try await store.isRevoked(RevocationQuery(tokenID: "revoked"))
                #expect(revoked, "a revoked token passed while Redis was restarting")
                if failures > 0 {
                    recovered = true
                    break
                }
            } catch let error as RedisError {
                #expect([.connectionFailed, .connectionClosed, .timeout].contains(error.code), "\(error)")
                failures += 1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(failures > 0, "the server never went down")
        #expect(recovered, "the client did not recover after the server came back")
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "fine")) == false)
        #expect(try await client.send("EXISTS", prefix + "jti:revoked", prefix + "filled") == .integer(2))
        await client.close()
    }
}
