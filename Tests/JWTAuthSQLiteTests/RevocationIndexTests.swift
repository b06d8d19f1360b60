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
        #expect(index.tokens == ["live": 1000])
        #expect(index.sessions == ["live": 1000])
        #expect(index.cutoffs == ["7": 5])
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
        #expect(store.state.withLock { $0.index.tokens.keys.sorted() } == ["live"])
        #expect(store.state.withLock { $0.index.sessions.isEmpty })
        try await store.close()

        clock.advance(by: .seconds(-11))
        store = try await SQLiteStore(path: path, clock: clock.clock)
        #expect(store.state.withLock { $0.index.tokens } == ["live": clock.now + 1000])
        #expect(store.state.withLock { $0.index.cutoffs } == ["7": clock.now])
        try await store.close()
    }
}
