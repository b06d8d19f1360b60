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
        let week = clock.now + 7 * 86400
        // What schema 2's code wrote: a logout (access jti, refresh jti, sid), a spent refresh token of a live
        // session, a cutoff, and two live sessions.
        for statement in [
            "INSERT INTO revoked_tokens (jti, expires_at) VALUES ('access-1', \(clock.now + 900)), ('refresh-1', \(week))",
            "INSERT INTO revoked_sessions (sid, expires_at) VALUES ('logged-out', \(week)), ('both', \(week))",
            "INSERT INTO spent_refresh_tokens (jti, expires_at) VALUES ('spent', \(week))",
            "INSERT INTO user_cutoffs (subject, cutoff) VALUES ('1', \(clock.now - 10))",
            "INSERT INTO sessions (sid, subject, expires_at) VALUES ('live', '1', \(week)), ('legacy', '1', \(week)), ('both', '1', \(week))",
        ] {
            _ = try await rawQuery(path, statement)
        }

        let store = try await SQLiteStore(path: path, clock: clock.clock)
        #expect(try await rawQuery(path, "PRAGMA user_version").first?.column("user_version")?.integer == 3)
        // The per-request check: every revocation as before.
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "access-1")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "refresh-1")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "logged-out")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "both")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "any", subject: "1", issuedAt: clock.now - 11)))
        #expect(try await !store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "live", subject: "1", issuedAt: clock.now)))
        // Refresh: an ended session is refused, a spent refresh token is reuse, an unspent one rotates once.
        func rotate(_ sid: String, _ presented: String) async throws -> RefreshTokenRotation {
            try await store.rotateRefreshToken(
                sessionID: sid,
                presented: presented,
                next: "\(sid)-next",
                accessTokensUntil: clock.now + 900,
                until: week
            )
        }
        #expect(try await rotate("logged-out", "r") == .ended)
        #expect(try await rotate("both", "r") == .ended, "a session both open and revoked in schema 2 came back")
        #expect(try await rotate("legacy", "spent") == .reused)
        #expect(try await rotate("live", "current") == .rotated)
        #expect(try await rotate("live", "current") == .reused)
        #expect(try await store.session("live")?.refreshTokenID == "live-next")
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
