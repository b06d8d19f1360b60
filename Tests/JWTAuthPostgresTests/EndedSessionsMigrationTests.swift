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
        let older = OlderSchemaRevocations(now: clock.now)
        for statement in older.statements(tablePrefix: "jwt_auth_") {
            _ = try await old.client.query(PostgresQuery(unsafeSQL: statement)).collect()
        }
        await old.close()

        let store = try await stores.connect()
        let snapshot = try await store.revocationSnapshot()
        #expect(snapshot.sessions["logged-out"].map { $0 > clock.now } == true, "a refill would lose a revoked sid")
        try await older.check(store)
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
