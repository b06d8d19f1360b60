import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
import PostgresNIO
import Testing

/// Schema 4 on PostgreSQL: revocations as a database of schema 3 holds them (week-long `sid` rows, spent refresh
/// tokens) stay in force after the migration to sessions that know their current refresh token. Skipped without a
/// server, except under `JWT_AUTH_REQUIRE_SERVERS=1` (then ``RequiredServerTests`` fails).
@Suite(.enabled(if: TestDatabase.isAvailable || TestDatabase.isRequired, "JWT_AUTH_POSTGRES_URL is not set"))
struct EndedSessionsMigrationTests {
    @Test(.bug(id: 20, "the migration to ended session rows must not make anything revoked valid again"))
    func whatSchema3RevokedStaysRevoked() async throws {
        let stores = ConnectedStores()
        let old = try await stores.connect()
        try await Self.undoEndedSessions(old)
        let clock = stores.clock
        let week = clock.now + 7 * 86400
        // What schema 3's code wrote: a logout (access jti, refresh jti, sid), a spent refresh token of a live
        // session, a cutoff, and live sessions.
        for statement in [
            "INSERT INTO jwt_auth_revoked_tokens (jti, expires_at) VALUES ('access-1', \(clock.now + 900)), ('refresh-1', \(week))",
            "INSERT INTO jwt_auth_revoked_sessions (sid, expires_at) VALUES ('logged-out', \(week)), ('both', \(week))",
            "INSERT INTO jwt_auth_spent_refresh_tokens (jti, expires_at) VALUES ('spent', \(week))",
            "INSERT INTO jwt_auth_user_cutoffs (subject, cutoff) VALUES ('1', \(clock.now - 10))",
            "INSERT INTO jwt_auth_sessions (sid, subject, expires_at) VALUES ('live', '1', \(week)), ('legacy', '1', \(week)), ('both', '1', \(week))",
        ] {
            _ = try await old.client.query(PostgresQuery(unsafeSQL: statement)).collect()
        }
        await old.close()

        let store = try await stores.connect()
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "access-1")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "refresh-1")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "logged-out")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "both")))
        #expect(try await store.isRevoked(RevocationQuery(tokenID: "any", subject: "1", issuedAt: clock.now - 11)))
        #expect(try await !store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "live", subject: "1", issuedAt: clock.now)))
        let snapshot = try await store.revocationSnapshot()
        #expect(snapshot.sessions["logged-out"].map { $0 > clock.now } == true, "a refill would lose a revoked sid")
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
        #expect(try await rotate("both", "r") == .ended, "a session both open and revoked in schema 3 came back")
        #expect(try await rotate("legacy", "spent") == .reused)
        #expect(try await rotate("live", "current") == .rotated)
        #expect(try await rotate("live", "current") == .reused)
        #expect(try await store.session("live")?.refreshTokenID == "live-next")
        await stores.closeAll()
    }

    /// This test's database as schema 3 left it: migrated by this build, then step 4 taken back.
    static func undoEndedSessions(_ store: PostgresStore) async throws {
        for statement in [
            "DROP INDEX jwt_auth_sessions_ended",
            "ALTER TABLE jwt_auth_sessions DROP COLUMN refresh_jti, DROP COLUMN access_until, DROP COLUMN ended",
            "CREATE TABLE jwt_auth_revoked_sessions (sid TEXT COLLATE \"C\" PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX jwt_auth_revoked_sessions_expiry ON jwt_auth_revoked_sessions (expires_at)",
            "UPDATE jwt_auth_schema SET version = 3",
        ] {
            _ = try await store.client.query(PostgresQuery(unsafeSQL: statement)).collect()
        }
    }
}
