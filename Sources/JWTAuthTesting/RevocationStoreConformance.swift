public import JWTAuth

/// The behaviour every ``RevocationStore`` must have, as a suite any test framework can run:
/// `try await RevocationStoreConformance(makeStore: { MemoryRevocationStore(clock: clock.clock) }, clock: clock).run()`.
///
/// Each check gets a new store from `makeStore` and throws ``Failure`` naming the first broken rule.
public struct RevocationStoreConformance: Sendable {
    /// A broken rule.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let makeStore: @Sendable () async throws -> any RevocationStore
    /// The clock the store reads, when it can be set; expiry checks run only then.
    public let clock: SettableClock?
    /// The time the checks treat as now when no settable clock is given.
    public let now: @Sendable () -> Double

    public init(
        makeStore: @escaping @Sendable () async throws -> any RevocationStore,
        clock: SettableClock? = nil,
        now: @escaping @Sendable () -> Double = { JWTClock.system.now }
    ) {
        self.makeStore = makeStore
        self.clock = clock
        if let clock {
            self.now = { clock.now }
        } else {
            self.now = now
        }
    }

    /// Runs every check.
    public func run() async throws {
        try await revokedTokenIDIsRevoked()
        try await revokedSessionRevokesItsTokens()
        try await cutoffRevokesEarlierTokensOnly()
        try await revocationOutlivesTheToken()
        if clock != nil { try await expiredEntriesStopCounting() }
    }

    private func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw Failure(description: message) }
    }

    private func unique(_ prefix: String) -> String {
        "\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
    }

    public func revokedTokenIDIsRevoked() async throws {
        let store = try await makeStore()
        let (a, b) = (unique("jti"), unique("jti"))
        try expect(try await !store.isRevoked(RevocationQuery(tokenID: a)), "a new store reports a token revoked")
        try await store.revoke(tokenID: a, until: now() + 600)
        try expect(try await store.isRevoked(RevocationQuery(tokenID: a)), "a revoked jti is not revoked")
        try expect(try await !store.isRevoked(RevocationQuery(tokenID: b)), "revoking one jti revoked another")
        try await store.revoke(tokenID: a, until: now() + 600)
        try expect(try await store.isRevoked(RevocationQuery(tokenID: a)), "revoking twice un-revoked a jti")
    }

    public func revokedSessionRevokesItsTokens() async throws {
        let store = try await makeStore()
        let (sid, other) = (unique("sid"), unique("sid"))
        try await store.revoke(sessionID: sid, until: now() + 600)
        try expect(try await store.isRevoked(RevocationQuery(tokenID: unique("jti"), sessionID: sid)), "a token of a revoked sid is not revoked")
        try expect(try await !store.isRevoked(RevocationQuery(tokenID: unique("jti"), sessionID: other)), "another sid was revoked")
    }

    public func cutoffRevokesEarlierTokensOnly() async throws {
        let store = try await makeStore()
        let (user, other) = (unique("user"), unique("user"))
        let cutoff = (now()).rounded(.down)
        try await store.revokeAll(subject: user, issuedBefore: cutoff)
        func query(_ subject: String, _ iat: Double?) -> RevocationQuery {
            RevocationQuery(tokenID: unique("jti"), sessionID: nil, subject: subject, issuedAt: iat)
        }
        try expect(try await store.isRevoked(query(user, cutoff - 1)), "a token issued before the cutoff is not revoked")
        try expect(try await !store.isRevoked(query(user, cutoff)), "a token issued at the cutoff is revoked")
        try expect(try await !store.isRevoked(query(user, cutoff + 5)), "a token issued after the cutoff is revoked")
        try expect(try await !store.isRevoked(query(other, cutoff - 1)), "the cutoff of one user revoked another's token")
        try await store.revokeAll(subject: user, issuedBefore: cutoff - 100)
        try expect(try await store.isRevoked(query(user, cutoff - 1)), "an earlier cutoff undid a later one")
    }

    public func revocationOutlivesTheToken() async throws {
        let store = try await makeStore()
        let id = unique("jti")
        try await store.revoke(tokenID: id, until: now() + 3600)
        clock?.advance(by: .seconds(3599))
        try expect(try await store.isRevoked(RevocationQuery(tokenID: id)), "a revocation ended before the token's expiry")
    }

    public func expiredEntriesStopCounting() async throws {
        guard let clock else { return }
        let store = try await makeStore()
        let id = unique("jti")
        try await store.revoke(tokenID: id, until: clock.now + 10)
        clock.advance(by: .seconds(11))
        try expect(try await !store.isRevoked(RevocationQuery(tokenID: id)), "an entry past its time still counts")
        let sid = unique("sid")
        try await store.revoke(sessionID: sid, until: clock.now + 10)
        try await store.revoke(sessionID: sid, until: clock.now + 5)
        clock.advance(by: .seconds(6))
        try expect(try await store.isRevoked(RevocationQuery(tokenID: unique("jti"), sessionID: sid)), "a shorter revocation of a sid shortened it")
        clock.advance(by: .seconds(5))
        try expect(try await !store.isRevoked(RevocationQuery(tokenID: unique("jti"), sessionID: sid)), "a sid past its time still counts")
    }
}
