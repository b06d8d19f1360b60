import JWTAuth
import JWTAuthSQLite
import JWTAuthTesting
import SQLiteNIO
import Testing

/// Two stores on one file stand for two processes (`serve` and the `users disable` command): what one
/// commits reaches the other's index at its next poll, and a poll never makes an index forget.
@Suite struct CrossProcessRevocationTests {
    let directory: TemporaryDirectory
    let clock = SettableClock()

    init() throws { directory = try TemporaryDirectory() }

    @Test(.bug(id: 15, "a running serve on SQLite ignored a user disabled by the CLI"))
    func anotherStoresRevocationsReachTheIndexAtTheNextPoll() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let serve = try await SQLiteStore(path: path, clock: clock.clock)
        let command = try await SQLiteStore(path: path, clock: clock.clock)
        #expect(try await !serve.reloadRevocationsIfChanged())

        try await command.revokeAll(subject: "7", issuedBefore: clock.now)
        try await command.revoke(tokenID: "jti-1", until: clock.now + 600)
        try await command.revoke(sessionID: "sid-1", until: clock.now + 600)
        let cutOff = RevocationQuery(tokenID: "other", subject: "7", issuedAt: clock.now - 1)
        #expect(try await !serve.isRevoked(cutOff))

        #expect(try await serve.reloadRevocationsIfChanged())
        #expect(try await serve.isRevoked(cutOff))
        #expect(try await serve.isRevoked(RevocationQuery(tokenID: "jti-1")))
        #expect(try await serve.isRevoked(RevocationQuery(tokenID: "other", sessionID: "sid-1")))
        #expect(try await !serve.isRevoked(RevocationQuery(tokenID: "other", subject: "7", issuedAt: clock.now)))
        // Nothing new since: the next poll reads only the version.
        #expect(try await !serve.reloadRevocationsIfChanged())
        try await command.close()
        try await serve.close()
    }

    @Test func aStoresOwnWritesNeedNoReload() async throws {
        defer { directory.remove() }
        let store = try await SQLiteStore(path: directory.newFile(), clock: clock.clock)
        try await store.revoke(tokenID: "jti", until: clock.now + 60)
        #expect(try await !store.reloadRevocationsIfChanged())
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "jti")))
        try await store.close()
    }

    @Test func aReloadNeverDropsWhatTheIndexHolds() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let store = try await SQLiteStore(path: path, clock: clock.clock)
        try await store.revoke(tokenID: "mine", until: clock.now + 600)
        try await store.revokeAll(subject: "7", issuedBefore: clock.now)
        // Another connection removes the rows and writes an earlier cutoff and a later expiry of its own: the
        // reload takes the later time of each entry, as if this store's writes had landed after its read.
        _ = try await rawQuery(path, "DELETE FROM revoked_tokens")
        _ = try await rawQuery(path, "UPDATE user_cutoffs SET cutoff = \(clock.now - 100)")
        _ = try await rawQuery(
            path,
            "INSERT INTO sessions (sid, subject, expires_at, ended) VALUES ('theirs', '', \(clock.now + 600), 1)"
        )
        #expect(try await store.reloadRevocationsIfChanged())
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "mine")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "other", subject: "7", issuedAt: clock.now - 1)))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "other", sessionID: "theirs")))
        try await store.close()
    }

    @Test func expiredRowsOfAnotherStoreStayOutOfTheIndex() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let serve = try await SQLiteStore(path: path, clock: clock.clock)
        let command = try await SQLiteStore(path: path, clock: clock.clock)
        try await command.revoke(tokenID: "short", until: clock.now + 10)
        clock.advance(by: .seconds(11))
        #expect(try await serve.reloadRevocationsIfChanged())
        #expect(try await !serve.isRevoked(RevocationQuery(tokenID: "short")))
        #expect(try await serve.revocationSnapshot().count == 0)
        try await command.close()
        try await serve.close()
    }

    /// The real loop of `serve`: a revocation committed on another connection answers within its 1-s poll
    /// (waited for here up to 10 s, polling every 50 ms, so that a loaded machine does not fail it).
    @Test(.bug(id: 15, "a running serve on SQLite ignored a user disabled by the CLI"), .timeLimit(.minutes(1)))
    func theRunLoopPicksUpAnotherConnectionsRevocation() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let serve = try await SQLiteStore(path: path, clock: clock.clock)
        let loop = Task { await serve.run(purgeEvery: .seconds(3600)) }
        let other = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await other.query("INSERT INTO user_cutoffs (subject, cutoff) VALUES ('9', \(clock.now))")
        try await other.close()

        let query = RevocationQuery(tokenID: "any", subject: "9", issuedAt: clock.now - 1)
        var seen = false
        for _ in 0..<200 where !seen {
            seen = try await serve.isRevoked(query)
            if !seen { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(seen, "the cutoff written by another connection never reached the running store")
        loop.cancel()
        await loop.value
        try await serve.close()
    }
}
