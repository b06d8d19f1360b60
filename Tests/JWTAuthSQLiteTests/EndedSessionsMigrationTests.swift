import JWTAuth
import JWTAuthSQLite
import JWTAuthTesting
import SQLiteNIO
import Testing

/// Schema 3: revocations as a file of schema 2 holds them (week-long `sid` rows, spent refresh tokens) stay in
/// force after the migration to sessions that know their current refresh token.
@Suite struct EndedSessionsMigrationTests {
    let clock = SettableClock()

    @Test(.bug(id: 20, "the migration to ended session rows must not make anything revoked valid again"))
    func whatSchema2RevokedStaysRevoked() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.newFile()
        try await SQLiteStore.makeFile(path: path, schemaVersion: 2, users: ["alice"])
        let older = OlderSchemaRevocations(now: clock.now)
        for statement in older.statements(tablePrefix: "") { _ = try await rawQuery(path, statement) }

        let store = try await SQLiteStore(path: path, clock: clock.clock)
        #expect(try await rawQuery(path, "PRAGMA user_version").first?.column("user_version")?.integer == 3)
        try await older.check(store)
        // A week on, the old revocations have run their course and are purged like any other.
        clock.advance(by: .seconds(7 * 86400 + 1))
        #expect(try await store.purgeExpired() > 0)
        #expect(try await rawQuery(path, "SELECT count(*) AS n FROM sessions WHERE ended = 1").first?.column("n")?.integer == 0)
        try await store.close()
    }

    /// A session of schema 2 logged out after the migration: one short `sid` revocation (its access tokens counted
    /// as lasting as long as the session, since schema 2 did not track them).
    @Test(.bug(id: 20, "a logout after the migration must still reject the session's tokens"))
    func aSessionOfSchema2EndsAfterTheMigration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.newFile()
        try await SQLiteStore.makeFile(path: path, schemaVersion: 2, users: ["alice"])
        let week = clock.now + 7 * 86400
        _ = try await rawQuery(path, "INSERT INTO sessions (sid, subject, expires_at) VALUES ('old', '1', \(week))")
        let store = try await SQLiteStore(path: path, clock: clock.clock)
        let sessions = UserSessions(sessions: store, revocations: store, tokens: TokenConfiguration(), clock: clock.clock)
        try await sessions.end(sessionID: "old")
        clock.advance(by: .seconds(86400))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "old")))
        #expect(try await store.session("old") == nil)
        try await store.close()
    }
}
