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

@Suite struct SQLiteStoreTests {
    let directory: TemporaryDirectory
    let clock = SettableClock()

    init() throws { directory = try TemporaryDirectory() }

    @Test func everythingSurvivesCloseAndReopen() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        var store = try await SQLiteStore(path: path, clock: clock.clock)
        let alice = try await store.createUser(username: "alice", passwordHash: "h", roles: ["admin"])
        try await store.setDisabled(true, forUser: alice.id)
        try await store.revoke(tokenID: "jti-1", until: clock.now + 600)
        try await store.revoke(sessionID: "sid-1", until: clock.now + 600)
        try await store.revokeAll(subject: alice.id, issuedBefore: clock.now)
        let session = SessionRecord(
            id: "sid-2",
            subject: alice.id,
            refreshTokenID: "rt-1",
            accessTokensUntil: clock.now + 60,
            expiresAt: clock.now + 600
        )
        try await store.openSession(session)
        try await store.close()

        store = try await SQLiteStore(path: path, clock: clock.clock)
        var disabled = alice
        disabled.isDisabled = true
        #expect(try await store.user(named: "alice") == disabled)
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "jti-1")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "other", sessionID: "sid-1")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "other", subject: alice.id, issuedAt: clock.now - 1)))
        #expect(try await !store.isRevoked(RevocationQuery(tokenID: "other", subject: alice.id, issuedAt: clock.now)))
        #expect(try await store.openSessions(of: alice.id) == [session])
        #expect(try await store.createUser(username: "bob", passwordHash: "h", roles: []).id == "2")
        try await store.close()
    }

    @Test func purgeRemovesExpiredRowsAndKeepsLiveOnes() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let store = try await SQLiteStore(path: path, clock: clock.clock)
        for (name, lifetime) in [("old", 10.0), ("live", 1000.0)] {
            try await store.revoke(tokenID: "jti-\(name)", until: clock.now + lifetime)
            try await store.revoke(sessionID: "sid-\(name)", until: clock.now + lifetime)
            try await store.openSession(
                SessionRecord(
                    id: "session-\(name)",
                    subject: "7",
                    refreshTokenID: "rt-\(name)",
                    accessTokensUntil: clock.now + 5,
                    expiresAt: clock.now + lifetime
                )
            )
        }
        try await store.revokeAll(subject: "7", issuedBefore: clock.now)
        clock.advance(by: .seconds(11))

        #expect(try await store.purgeExpired() == 3)
        // The sessions table holds the live session and the ended one ("sid-live", revoked until later).
        for (table, rows) in [("revoked_tokens", 1), ("sessions", 2), ("user_cutoffs", 1)] {
            #expect(try await rowCount(path, table) == rows, "table \(table)")
        }
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "jti-live")))
        #expect(try await !store.isRevoked(RevocationQuery(tokenID: "jti-old")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "x", sessionID: "sid-live")))
        #expect(try await store.openSessions(of: "7").map(\.id) == ["session-live"])
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "x", subject: "7", issuedAt: clock.now - 20)))
        #expect(try await store.purgeExpired() == 0)
        try await store.close()
    }

    @Test func migratesAnEmptyFileAndReopensIdempotently() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        var store = try await SQLiteStore(path: path, clock: clock.clock)
        let user = try await store.createUser(username: "alice", passwordHash: "h", roles: [])
        try await store.close()
        let schema = try await rawQuery(path, "SELECT name, sql FROM sqlite_schema ORDER BY name").map(\.description)

        for _ in 0..<2 {
            store = try await SQLiteStore(path: path, clock: clock.clock)
            #expect(try await store.allUsers() == [user])
            try await store.close()
        }
        #expect(try await rawQuery(path, "SELECT name, sql FROM sqlite_schema ORDER BY name").map(\.description) == schema)
        #expect(try await rawQuery(path, "PRAGMA user_version").first?.column("user_version")?.integer == SQLiteStore.schemaVersion)
        #expect(SQLiteStore.schemaVersion == 3)
    }

    @Test func fileIsInWALModeAndPrivate() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        let store = try await SQLiteStore(path: path, clock: clock.clock)
        #expect(try await rawQuery(path, "PRAGMA journal_mode").first?.column("journal_mode")?.string == "wal")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
        try await store.close()
    }

    @Test func aNewerSchemaIsRefused() async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        _ = try await rawQuery(path, "PRAGMA user_version = 99")
        await #expect(throws: SQLiteStoreError.self) { try await SQLiteStore(path: path, clock: clock.clock) }
    }

    @Test(arguments: [
        "Robert'); DROP TABLE users;--", "a%", "_", "\"quoted\"", "back\\slash", "semi;colon", "Łódź", "名前", "🙂‍↔️",
        "caf\u{E9}", "cafe\u{301}", "tab\there",
    ])
    func usernamesAreStoredExactly(name: String) async throws {
        defer { directory.remove() }
        let path = directory.newFile()
        var store = try await SQLiteStore(path: path, clock: clock.clock)
        let user = try await store.createUser(username: name, passwordHash: "h", roles: [name])
        try await store.close()
        store = try await SQLiteStore(path: path, clock: clock.clock)
        let found = try #require(try await store.user(named: name))
        #expect(Array(found.username.utf8) == Array(name.utf8))
        #expect(found.roles.map { Array($0.utf8) } == [Array(name.utf8)])
        #expect(found.id == user.id)
        #expect(try await store.allUsers().count == 1)
        try await store.close()
    }

    /// Names are compared by their RFC 8265 key, which is NFC: canonically equivalent names are one user.
    @Test func canonicallyEquivalentNamesAreOneUser() async throws {
        defer { directory.remove() }
        let store = try await SQLiteStore(path: directory.newFile(), clock: clock.clock)
        let composed = try await store.createUser(username: "caf\u{E9}", passwordHash: "h", roles: [])
        await #expect(throws: JWTAuthError.conflict()) { try await store.createUser(username: "cafe\u{301}", passwordHash: "h", roles: []) }
        #expect(try await store.user(named: "cafe\u{301}")?.id == composed.id)
        try await store.close()
    }
}
