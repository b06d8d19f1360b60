public import JWTAuth
import PostgresNIO

extension PostgresStore: RevocationStore {
    public func revoke(tokenID: String, until: Double) async throws {
        try await perform("revoke token") { [client] in
            try await client.runStatement(
                """
                INSERT INTO jwt_auth_revoked_tokens (jti, expires_at) VALUES (\(tokenID), \(until))
                ON CONFLICT (jti) DO UPDATE
                SET expires_at = GREATEST(jwt_auth_revoked_tokens.expires_at, EXCLUDED.expires_at)
                """
            )
        }
    }

    /// Marks the session's row ended (a row of its own for a session this store did not record), kept until
    /// `until`: refresh refuses it, and the revocation check rejects its tokens until then.
    public func revoke(sessionID: String, until: Double) async throws {
        try await perform("revoke session") { [client] in
            try await client.runStatement(
                """
                INSERT INTO jwt_auth_sessions (sid, subject, expires_at, refresh_jti, access_until, ended)
                VALUES (\(sessionID), '', \(until), NULL, \(until), true)
                ON CONFLICT (sid) DO UPDATE SET ended = true,
                    expires_at = CASE WHEN jwt_auth_sessions.ended THEN GREATEST(jwt_auth_sessions.expires_at, EXCLUDED.expires_at)
                        ELSE EXCLUDED.expires_at END
                """
            )
        }
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        try await perform("revoke all") { [client] in
            try await client.runStatement(
                """
                INSERT INTO jwt_auth_user_cutoffs (subject, cutoff) VALUES (\(subject), \(cutoff))
                ON CONFLICT (subject) DO UPDATE
                SET cutoff = GREATEST(jwt_auth_user_cutoffs.cutoff, EXCLUDED.cutoff)
                """
            )
        }
    }

    /// The live revocations in the tables (unexpired `jti`s and `sid`s, every cutoff), read in one
    /// repeatable-read transaction: what a blocklist in front of this store (Redis) is refilled from.
    public func revocationSnapshot() async throws -> RevocationSnapshot {
        let now = clock.now
        // A bulk read: millions of live revocations take longer than one request's deadline (and the
        // connection's statement_timeout). It gets twelve times the timeout (a minute by default), so that a
        // Redis refill at that size completes once instead of failing on every try.
        let deadline = timeout * 12
        return try await perform("snapshot", timeout: deadline) { [client] in
            try await client.withConnection { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: connection.logger)
                do {
                    try await connection.setLocal(.statement, deadline, logger: connection.logger)
                    var snapshot = RevocationSnapshot()
                    try await Self.liveRevocations(connection, now: now) { snapshot.insert($0, $1, $2) }
                    try await connection.query("COMMIT", logger: connection.logger)
                    return snapshot
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: connection.logger)
                    throw error
                }
            }
        }
    }

    /// Calls `body` with each live revocation in the tables, row by row: every unexpired revoked `jti`, every
    /// ended session whose revocation still matters, and every cutoff. The one place that says which rows a
    /// snapshot holds.
    static func liveRevocations(
        _ connection: PostgresConnection,
        now: Double,
        _ body: (RevocationKind, String, Double) -> Void
    ) async throws {
        let queries: [(RevocationKind, PostgresQuery)] = [
            (.token, "SELECT jti, expires_at FROM jwt_auth_revoked_tokens WHERE expires_at > \(now)"),
            (.session, "SELECT sid, expires_at FROM jwt_auth_sessions WHERE ended AND expires_at > \(now)"),
            (.cutoff, "SELECT subject, cutoff FROM jwt_auth_user_cutoffs"),
        ]
        for (kind, query) in queries {
            let rows = try await connection.query(query, logger: connection.logger)
            for try await (id, time) in rows.decode((String, Double).self) { body(kind, id, time) }
        }
    }

    /// One query, no cache: what any instance wrote before is seen.
    public func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        let statement = IsRevoked(query: query, now: clock.now)
        return try await perform("check") { [client] in
            var revoked = false
            for try await row in try await client.execute(statement) { revoked = row }
            return revoked
        }
    }
}

/// Whether a token is revoked by its `jti`, its `sid`, or its `iat` before its subject's cutoff.
struct IsRevoked: PostgresPreparedStatement {
    static let name = "jwt_auth_is_revoked_v2"
    static let sql = """
        SELECT EXISTS (SELECT 1 FROM jwt_auth_revoked_tokens WHERE jti = $1 AND expires_at > $5)
            OR EXISTS (SELECT 1 FROM jwt_auth_sessions WHERE sid = $2 AND ended AND expires_at > $5)
            OR EXISTS (SELECT 1 FROM jwt_auth_user_cutoffs WHERE subject = $3 AND ($4::float8 IS NULL OR $4::float8 < cutoff))
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .float8, .float8]
    typealias Row = Bool

    let query: RevocationQuery
    let now: Double

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(query.tokenID)
        bindings.append(query.sessionID)
        bindings.append(query.subject)
        bindings.append(query.issuedAt)
        bindings.append(now)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Bool {
        try row.decode(Bool.self)
    }
}
