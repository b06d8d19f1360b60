import JWTAuth
import JWTAuthTesting
import PostgresNIO
import Testing

@testable import JWTAuthPostgres

/// Several stores (separate connection pools, as several service instances have) on one database.
@Suite(.enabled(if: TestDatabase.isEnabled, "JWT_AUTH_POSTGRES_URL is not set"))
struct SeveralInstancesTests {
    @Test func concurrentRotationsOnThreeInstancesGiveExactlyOneWinner() async throws {
        let stores = ConnectedStores()
        let instances = [try await stores.connect(), try await stores.connect(), try await stores.connect()]
        for _ in 0..<5 {
            let (sid, current) = (unique("sid"), unique("jti"))
            let until = stores.clock.now + 600
            try await instances[0].openSession(
                SessionRecord(id: sid, subject: unique("sub"), refreshTokenID: current, accessTokensUntil: until - 500, expiresAt: until)
            )
            let rotations = try await withThrowingTaskGroup(of: RefreshTokenRotation.self) { group in
                for index in 0..<60 {
                    let store = instances[index % instances.count]
                    group.addTask {
                        try await store.rotateRefreshToken(
                            RefreshTokenReplacement(
                                sessionID: sid,
                                presented: current,
                                next: "next-\(index)",
                                accessTokensUntil: until - 400,
                                until: until
                            )
                        )
                    }
                }
                return try await group.reduce(into: [RefreshTokenRotation]()) { $0.append($1) }
            }
            #expect(rotations.filter { $0 == .rotated }.count == 1)
            #expect(rotations.filter { $0 == .reused }.count == 59)
        }
        await stores.closeAll()
    }

    @Test func aRevocationOnOneInstanceIsSeenByAnotherAtOnce() async throws {
        let stores = ConnectedStores()
        let (a, b) = (try await stores.connect(), try await stores.connect())
        let (jti, sid, subject) = (unique("jti"), unique("sid"), unique("sub"))
        let now = stores.clock.now
        let token = RevocationQuery(tokenID: jti, sessionID: sid, subject: subject, issuedAt: now - 1)
        #expect(try await !b.isRevoked(token))
        try await a.revoke(tokenID: jti, until: now + 60)
        #expect(try await b.isRevoked(token))
        #expect(try await b.isRevoked(RevocationQuery(tokenID: unique("jti"), sessionID: sid)) == false)
        try await a.revoke(sessionID: sid, until: now + 60)
        #expect(try await b.isRevoked(RevocationQuery(tokenID: unique("jti"), sessionID: sid)))
        try await a.revokeAll(subject: subject, issuedBefore: now)
        #expect(try await b.isRevoked(RevocationQuery(tokenID: unique("jti"), subject: subject, issuedAt: now - 1)))
        #expect(try await !b.isRevoked(RevocationQuery(tokenID: unique("jti"), subject: subject, issuedAt: now)))
        await stores.closeAll()
    }

    @Test func concurrentRegistrationsOfOneNameOnTwoInstancesGiveOneUser() async throws {
        let stores = ConnectedStores()
        let instances = [try await stores.connect(), try await stores.connect()]
        let name = unique("race")
        let created = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                let store = instances[index % 2]
                group.addTask {
                    do {
                        _ = try await store.createUser(username: name, passwordHash: "h\(index)", roles: [])
                        return true
                    } catch let error as JWTAuthError where error.code == .conflict {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(created == 1)
        let user = try #require(try await instances[1].user(named: name))
        #expect(try await instances[0].user(id: user.id) == user)
        await stores.closeAll()
    }

    @Test func instancesMigratingAtOnceAllStart() async throws {
        let stores = ConnectedStores()
        try await stores.databaseURL()  // empty: the instances below race to migrate it
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try await stores.connect() } }
            try await group.waitForAll()
        }
        let store = try await stores.connect()
        let versions = try await store.client.query("SELECT version FROM jwt_auth_schema").collect()
        #expect(versions.count == 1)
        #expect(try versions.first?.decode(Int.self) == PostgresStore.schemaVersion)
        await stores.closeAll()
    }

    /// An instance that finds another one migrating waits for it longer than one request's timeout (the
    /// connection's `lock_timeout`): on a busy server a fresh database's migration can take that long.
    @Test func aMigrationWaitsForAnotherLongerThanTheRequestTimeout() async throws {
        let stores = ConnectedStores()
        let url = try await stores.databaseURL()
        let holder = try await stores.connect()
        try await holder.client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(PostgresMigrations.lockKey))", logger: connection.logger).collect()
            let waiting = Task { try await PostgresStore.connect(url: url, timeout: .seconds(1)) }
            try await Task.sleep(for: .seconds(2))  // twice the waiting store's request timeout
            _ = try await connection.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: connection.logger).collect()
            let store = try await waiting.value
            #expect(try await store.user(named: "nobody") == nil)
            await store.close()
        }
        await stores.closeAll()
    }

    @Test func purgeRemovesExpiredRowsAndKeepsCutoffs() async throws {
        let stores = ConnectedStores()
        let store = try await stores.connect()
        let clock = stores.clock
        let (jti, sid, session, subject) = (unique("jti"), unique("sid"), unique("sid"), unique("sub"))
        try await store.revoke(tokenID: jti, until: clock.now + 10)
        try await store.revoke(sessionID: sid, until: clock.now + 10)
        try await store.openSession(
            SessionRecord(id: session, subject: subject, refreshTokenID: nil, accessTokensUntil: clock.now + 10, expiresAt: clock.now + 10)
        )
        try await store.revokeAll(subject: subject, issuedBefore: clock.now)
        let kept = unique("jti")
        try await store.revoke(tokenID: kept, until: clock.now + 1000)

        clock.advance(by: .seconds(11))
        #expect(try await store.purgeExpired() >= 3)
        func count(_ table: String, _ column: String, _ value: String) async throws -> Int {
            try await store.client.query("SELECT count(*) FROM \(unescaped: table) WHERE \(unescaped: column) = \(value)").collect()
                .first?.decode(Int.self) ?? -1
        }
        #expect(try await count("jwt_auth_revoked_tokens", "jti", jti) == 0)
        #expect(try await count("jwt_auth_sessions", "sid", sid) == 0)
        #expect(try await count("jwt_auth_sessions", "sid", session) == 0)
        #expect(try await count("jwt_auth_revoked_tokens", "jti", kept) == 1)
        #expect(try await count("jwt_auth_user_cutoffs", "subject", subject) == 1)
        #expect(try await store.isRevoked(RevocationQuery(tokenID: unique("jti"), subject: subject, issuedAt: clock.now - 20)))
        await stores.closeAll()
    }

    @Test func aClosedStoreIsUnavailable() async throws {
        let stores = ConnectedStores()
        let store = try await stores.connect()
        await store.close()
        await #expect(throws: JWTAuthError.unavailable()) { try await store.isRevoked(RevocationQuery(tokenID: unique("jti"))) }
        await #expect(throws: JWTAuthError.unavailable()) { try await store.user(named: "x") }
        await stores.closeAll()
    }
}
