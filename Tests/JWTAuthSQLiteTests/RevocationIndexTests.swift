import JWTAuth
import JWTAuthTesting
import Synchronization
import Testing

@testable import JWTAuthSQLite

@Suite struct RevocationIndexTests {
    @Test func keepsTheLatestExpiryAndCutoff() {
        var index = RevocationIndex()
        index.revoke(tokenID: "a", until: 100)
        index.revoke(tokenID: "a", until: 50)
        index.revokeAll(subject: "7", issuedBefore: 40)
        index.revokeAll(subject: "7", issuedBefore: 30)
        #expect(index.isRevoked(RevocationQuery(tokenID: "a"), now: 99))
        #expect(!index.isRevoked(RevocationQuery(tokenID: "a"), now: 100))
        #expect(index.isRevoked(RevocationQuery(tokenID: "b", subject: "7", issuedAt: 39), now: 0))
        #expect(!index.isRevoked(RevocationQuery(tokenID: "b", subject: "7", issuedAt: 40), now: 0))
        #expect(index.isRevoked(RevocationQuery(tokenID: "b", subject: "7"), now: 0))
    }

    @Test func purgeForgetsExpiredEntriesButKeepsCutoffs() {
        var index = RevocationIndex()
        index.revoke(tokenID: "old", until: 10)
        index.revoke(tokenID: "live", until: 1000)
        index.revoke(sessionID: "old", until: 10)
        index.revoke(sessionID: "live", until: 1000)
        index.revokeAll(subject: "7", issuedBefore: 5)
        index.purge(now: 10)
        #expect(index.tokens == [RevocationKey("live"): 1000])
        #expect(index.sessions == [RevocationKey("live"): 1000])
        #expect(index.cutoffs == [RevocationKey("7"): 5])
    }

    @Test func storeLoadsLiveEntriesAtOpenAndPurgesThem() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = SettableClock()
        let path = directory.newFile()
        var store = try await SQLiteStore(path: path, clock: clock.clock)
        try await store.revoke(tokenID: "old", until: clock.now + 10)
        try await store.revoke(tokenID: "live", until: clock.now + 1000)
        try await store.revoke(sessionID: "old", until: clock.now + 10)
        try await store.revokeAll(subject: "7", issuedBefore: clock.now)
        #expect(store.state.withLock { $0.index.count } == 4)
        clock.advance(by: .seconds(11))
        try await store.purgeExpired()
        #expect(store.state.withLock { Array($0.index.tokens.keys) } == [RevocationKey("live")])
        #expect(store.state.withLock { $0.index.sessions.isEmpty })
        try await store.close()

        clock.advance(by: .seconds(-11))
        store = try await SQLiteStore(path: path, clock: clock.clock)
        #expect(store.state.withLock { $0.index.tokens } == [RevocationKey("live"): RevocationIndex.seconds(clock.now + 1000)])
        #expect(store.state.withLock { $0.index.cutoffs } == [RevocationKey("7"): RevocationIndex.seconds(clock.now)])
        try await store.close()
    }

    /// The index keeps no ids: a snapshot (what refills Redis) reads the live rows from the file, with every
    /// process's writes, exact ids and exact times.
    @Test(.bug(id: 20, "the in-memory revocation index took about 250 bytes per revocation"))
    func theSnapshotIsReadFromTheFileWithItsIds() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = SettableClock()
        let path = directory.newFile()
        let serve = try await SQLiteStore(path: path, clock: clock.clock)
        let command = try await SQLiteStore(path: path, clock: clock.clock)
        let jti = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
        let long = "an id longer than a UUID, which the index only keeps as a hash"
        let start = clock.now
        try await serve.revoke(tokenID: jti, until: start + 600.25)
        try await serve.revoke(tokenID: jti.uppercased(), until: start + 60)
        try await serve.revoke(tokenID: "over", until: start + 5)
        try await command.revoke(tokenID: long, until: start + 600)
        try await command.revoke(sessionID: "sid-1", until: start + 600)
        try await command.revokeAll(subject: "7", issuedBefore: start - 0.5)
        clock.advance(by: .seconds(10))
        let snapshot = try await serve.revocationSnapshot()
        #expect(
            snapshot
                == RevocationSnapshot(
                    tokens: [jti: start + 600.25, jti.uppercased(): start + 60, long: start + 600],
                    sessions: ["sid-1": start + 600],
                    cutoffs: ["7": start - 0.5]
                )
        )
        try await command.close()
        try await serve.close()
        await #expect(throws: SQLiteStoreError.closed) { try await serve.revocationSnapshot() }
    }
}
