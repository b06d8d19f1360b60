import JWTAuth
import JWTAuthSQLite
import JWTAuthTesting
import SQLiteNIO
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite struct SQLiteStoreFailureTests {
    let directory: TemporaryDirectory
    let clock = SettableClock()

    init() throws { directory = try TemporaryDirectory() }

    @Test func everyCallThrowsAfterClose() async throws {
        defer { directory.remove() }
        let store = try await SQLiteStore(path: directory.newFile(), clock: clock.clock)
        let user = try await store.createUser(username: "alice", passwordHash: "h", roles: [])
        try await store.close()
        try await store.close()

        let calls: [@Sendable () async throws -> Void] = [
            { _ = try await store.createUser(username: "bob", passwordHash: "h", roles: []) },
            { _ = try await store.user(named: "alice") },
            { _ = try await store.user(id: user.id) },
            { try await store.setPasswordHash("x", forUser: user.id) },
            { try await store.setDisabled(true, forUser: user.id) },
            { _ = try await store.allUsers() },
            { try await store.revoke(tokenID: "j", until: clock.now + 60) },
            { try await store.revoke(sessionID: "s", until: clock.now + 60) },
            { try await store.revokeAll(subject: user.id, issuedBefore: clock.now) },
            { _ = try await store.isRevoked(RevocationQuery(tokenID: "j")) },
            {
                try await store.openSession(
                    SessionRecord(id: "s", subject: user.id, refreshTokenID: nil, accessTokensUntil: clock.now + 60, expiresAt: clock.now + 60)
                )
            },
            {
                _ = try await store.rotateRefreshToken(
                    RefreshTokenReplacement(sessionID: "s", presented: "r", next: "n", accessTokensUntil: clock.now, until: clock.now)
                )
            },
            { _ = try await store.recordAccessToken(sessionID: "s", until: clock.now + 60) },
            { _ = try await store.session("s") },
            { _ = try await store.openSessions(of: user.id) },
            { _ = try await store.endSession("s") },
            { try await store.purgeExpired() },
        ]
        for call in calls {
            await #expect(throws: SQLiteStoreError.closed) { try await call() }
        }
    }

    @Test func closeLetsStartedWritesFinishAndRefusesTheRest() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let store = try await SQLiteStore(path: path, clock: clock.clock)
        let created = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        return try await store.createUser(username: "user\(index)", passwordHash: "h", roles: []).username
                    } catch let error as SQLiteStoreError where error == .closed {
                        return nil
                    }
                }
            }
            group.addTask {
                try await store.close()
                return nil
            }
            return try await group.reduce(into: Set<String>()) { if let name = $1 { $0.insert(name) } }
        }
        // Every creation that returned is in the file; the others were refused as closed, none failed otherwise.
        let reopened = try await SQLiteStore(path: path, clock: clock.clock)
        #expect(Set(try await reopened.allUsers().map(\.username)) == created)
        try await reopened.close()
    }

    @Test func openingAFileInAMissingDirectoryThrows() async throws {
        defer { directory.remove() }
        await #expect(throws: (any Error).self) {
            try await SQLiteStore(path: directory.path + "/missing/auth.sqlite", clock: clock.clock)
        }
    }

    @Test func openingAFileThatIsNotADatabaseThrows() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        await #expect(throws: (any Error).self) { try await SQLiteStore(path: path, clock: clock.clock) }
    }

    @Test func aFailedWriteLeavesTheIndexUntouched() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let store = try await SQLiteStore(path: path, clock: clock.clock, busyTimeout: .milliseconds(20))
        // Another connection holds the write lock, so the store's transaction cannot start.
        let other = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await other.query("BEGIN IMMEDIATE")
        await #expect(throws: SQLiteError.self) { try await store.revoke(tokenID: "jti", until: clock.now + 60) }
        await #expect(throws: SQLiteError.self) { try await store.revokeAll(subject: "7", issuedBefore: clock.now) }
        #expect(try await !store.isRevoked(RevocationQuery(tokenID: "jti", subject: "7", issuedAt: clock.now - 10)))
        _ = try await other.query("ROLLBACK")
        try await other.close()

        try await store.revoke(tokenID: "jti", until: clock.now + 60)
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "jti")))
        try await store.close()
    }

    @Test func aWriteFromACancelledTaskCompletesWhole() async throws {
        defer { directory.remove() }
        let store = try await SQLiteStore(path: directory.newFile(), clock: clock.clock)
        let until = clock.now + 60
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await store.revoke(tokenID: "jti", until: until)
            return try await store.createUser(username: "alice", passwordHash: "h", roles: [])
        }
        let alice = try await task.value
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "jti")))
        #expect(try await store.user(named: "alice") == alice)
        // No transaction was left open: later writes still work.
        try await store.revoke(sessionID: "sid", until: until)
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "other", sessionID: "sid")))
        try await store.close()
    }

    /// The loop purges at once, then returns when its task is cancelled, and at once when the store is closed.
    @Test(.timeLimit(.minutes(1))) func runPurgesAndReturnsWhenCancelledOrClosed() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let store = try await SQLiteStore(path: path, clock: clock.clock)
        try await store.revoke(tokenID: "expired", until: clock.now + 10)
        clock.advance(by: .seconds(11))
        let task = Task { await store.run(purgeEvery: .seconds(3600)) }
        var remaining = -1
        for _ in 0..<200 {
            remaining = try await rowCount(path, "revoked_tokens")
            if remaining == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(remaining == 0, "the loop did not purge when it started")
        task.cancel()
        await task.value
        try await store.close()
        await store.run(purgeEvery: .seconds(3600))
        await #expect(throws: SQLiteStoreError.closed) { try await store.purgeExpired() }
    }
}
