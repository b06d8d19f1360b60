public import JWTAuth
import PostgresNIO

/// Each call is one statement: a rotation is atomic under the row's lock (of concurrent rotations with one refresh
/// token, the first updates the row and the others, finding another current token, see reuse).
extension PostgresStore: SessionStore {
    public func openSession(_ session: SessionRecord) async throws {
        try await perform("open session") { [client] in
            // An ended session stays ended: a record can never bring it back.
            try await client.runStatement(
                """
                INSERT INTO jwt_auth_sessions (sid, subject, expires_at, refresh_jti, access_until, ended)
                VALUES (\(session.id), \(session.subject), \(session.expiresAt), \(session.refreshTokenID), \(session.accessTokensUntil), false)
                ON CONFLICT (sid) DO UPDATE SET subject = EXCLUDED.subject, expires_at = EXCLUDED.expires_at,
                    refresh_jti = EXCLUDED.refresh_jti, access_until = EXCLUDED.access_until
                WHERE NOT jwt_auth_sessions.ended
                """
            )
        }
    }

    public func rotateRefreshToken(_ replacement: RefreshTokenReplacement) async throws -> RefreshTokenRotation {
        let (sessionID, presented, next) = (replacement.sessionID, replacement.presented, replacement.next)
        let (accessTokensUntil, until) = (replacement.accessTokensUntil, replacement.until)
        let now = clock.now
        return try await perform("rotate refresh token") { [client] in
            // A session recorded by an earlier version has no current refresh token: any of its refresh tokens
            // that was not spent then is. `live` reads the statement's snapshot, from before a concurrent rotation.
            let rows = try await client.query(
                """
                WITH rotated AS (
                    UPDATE jwt_auth_sessions SET refresh_jti = \(next),
                        access_until = GREATEST(access_until, \(accessTokensUntil)), expires_at = GREATEST(expires_at, \(until))
                    WHERE sid = \(sessionID) AND NOT ended AND expires_at > \(now) AND (refresh_jti = \(presented) OR (refresh_jti IS NULL
                        AND NOT EXISTS (SELECT 1 FROM jwt_auth_spent_refresh_tokens WHERE jti = \(presented) AND expires_at > \(now))))
                    RETURNING 1
                )
                SELECT EXISTS (SELECT 1 FROM rotated),
                    EXISTS (SELECT 1 FROM jwt_auth_sessions WHERE sid = \(sessionID) AND NOT ended AND expires_at > \(now))
                """
            )
            var rotation = RefreshTokenRotation.ended
            for try await (rotated, live) in rows.decode((Bool, Bool).self) {
                rotation = rotated ? .rotated : live ? .reused : .ended
            }
            return rotation
        }
    }

    public func recordAccessToken(sessionID: String, until: Double) async throws -> Bool {
        let now = clock.now
        return try await perform("record access token") { [client] in
            let rows = try await client.query(
                """
                UPDATE jwt_auth_sessions SET access_until = GREATEST(access_until, \(until))
                WHERE sid = \(sessionID) AND NOT ended AND expires_at > \(now) RETURNING 1
                """
            )
            var recorded = false
            for try await _ in rows { recorded = true }
            return recorded
        }
    }

    public func session(_ sessionID: String) async throws -> SessionRecord? {
        let now = clock.now
        return try await perform("get session") { [client] in
            let rows = try await client.query(
                """
                SELECT sid, subject, refresh_jti, access_until, expires_at FROM jwt_auth_sessions
                WHERE sid = \(sessionID) AND NOT ended AND expires_at > \(now)
                """
            )
            var session: SessionRecord?
            for try await row in rows.decode((String, String, String?, Double, Double).self) { session = Self.session(row) }
            return session
        }
    }

    public func openSessions(of subject: String) async throws -> [SessionRecord] {
        let now = clock.now
        return try await perform("list sessions") { [client] in
            let rows = try await client.query(
                """
                SELECT sid, subject, refresh_jti, access_until, expires_at FROM jwt_auth_sessions
                WHERE subject = \(subject) AND NOT ended AND expires_at > \(now)
                """
            )
            var sessions: [SessionRecord] = []
            for try await row in rows.decode((String, String, String?, Double, Double).self) { sessions.append(Self.session(row)) }
            return sessions
        }
    }

    /// Marks the row ended, kept until its access tokens' latest `exp` (a revocation of the session then keeps it
    /// longer, by the leeway).
    public func endSession(_ sessionID: String) async throws -> Double? {
        try await perform("end session") { [client] in
            let rows = try await client.query(
                """
                UPDATE jwt_auth_sessions SET ended = true, expires_at = CASE WHEN ended THEN expires_at ELSE access_until END
                WHERE sid = \(sessionID) RETURNING access_until
                """
            )
            var accessTokensUntil: Double?
            for try await until in rows.decode(Double.self) { accessTokensUntil = until }
            return accessTokensUntil
        }
    }

    private static func session(_ row: (String, String, String?, Double, Double)) -> SessionRecord {
        SessionRecord(id: row.0, subject: row.1, refreshTokenID: row.2, accessTokensUntil: row.3, expiresAt: row.4)
    }
}
