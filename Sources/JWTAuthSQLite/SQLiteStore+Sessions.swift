public import JWTAuth
import SQLiteNIO

/// Each call is one statement, or a few in one write: the store lets one write at a time in, so a rotation is
/// atomic.
extension SQLiteStore: SessionStore {
    public func openSession(_ session: SessionRecord) async throws {
        try await write { db in
            // An ended session stays ended: a record can never bring it back.
            _ = try await db.query(
                """
                INSERT INTO sessions (sid, subject, expires_at, refresh_jti, access_until, ended) VALUES (?1, ?2, ?3, ?4, ?5, 0)
                ON CONFLICT (sid) DO UPDATE SET subject = excluded.subject, expires_at = excluded.expires_at,
                    refresh_jti = excluded.refresh_jti, access_until = excluded.access_until
                WHERE sessions.ended = 0
                """,
                [
                    .text(session.id), .text(session.subject), .float(session.expiresAt),
                    session.refreshTokenID.map { .text($0) } ?? .null, .float(session.accessTokensUntil),
                ]
            )
        }
    }

    public func rotateRefreshToken(_ replacement: RefreshTokenReplacement) async throws -> RefreshTokenRotation {
        let (sessionID, presented, next) = (replacement.sessionID, replacement.presented, replacement.next)
        let (accessTokensUntil, until) = (replacement.accessTokensUntil, replacement.until)
        let now = clock.now
        return try await write { db in
            // A session recorded by an earlier version has no current refresh token: any of its refresh tokens
            // that was not spent then is.
            _ = try await db.query(
                """
                UPDATE sessions SET refresh_jti = ?3, access_until = max(access_until, ?4), expires_at = max(expires_at, ?5)
                WHERE sid = ?1 AND ended = 0 AND expires_at > ?6 AND (refresh_jti = ?2 OR (refresh_jti IS NULL
                    AND NOT EXISTS (SELECT 1 FROM spent_refresh_tokens WHERE jti = ?2 AND expires_at > ?6)))
                """,
                [.text(sessionID), .text(presented), .text(next), .float(accessTokensUntil), .float(until), .float(now)]
            )
            if try await Self.changes(db) == 1 { return .rotated }
            let live = try await db.query(
                "SELECT 1 AS live FROM sessions WHERE sid = ?1 AND ended = 0 AND expires_at > ?2",
                [.text(sessionID), .float(now)]
            )
            return live.isEmpty ? .ended : .reused
        }
    }

    public func recordAccessToken(sessionID: String, until: Double) async throws -> Bool {
        let now = clock.now
        return try await write { db in
            _ = try await db.query(
                "UPDATE sessions SET access_until = max(access_until, ?2) WHERE sid = ?1 AND ended = 0 AND expires_at > ?3",
                [.text(sessionID), .float(until), .float(now)]
            )
            return try await Self.changes(db) == 1
        }
    }

    public func session(_ sessionID: String) async throws -> SessionRecord? {
        let now = clock.now
        let rows = try await read { db in
            try await db.query(
                "SELECT \(Self.sessionColumns) FROM sessions WHERE sid = ?1 AND ended = 0 AND expires_at > ?2",
                [.text(sessionID), .float(now)]
            )
        }
        return try rows.first.map(Self.session)
    }

    public func openSessions(of subject: String) async throws -> [SessionRecord] {
        let now = clock.now
        let rows = try await read { db in
            try await db.query(
                "SELECT \(Self.sessionColumns) FROM sessions WHERE subject = ?1 AND ended = 0 AND expires_at > ?2",
                [.text(subject), .float(now)]
            )
        }
        return try rows.map(Self.session)
    }

    /// Marks the row ended, kept until its access tokens' latest `exp` (a revocation of the session then keeps it
    /// longer, by the leeway).
    public func endSession(_ sessionID: String) async throws -> Double? {
        try await write { db in
            let rows = try await db.query(
                """
                UPDATE sessions SET ended = 1, expires_at = CASE WHEN ended = 1 THEN expires_at ELSE access_until END
                WHERE sid = ?1 RETURNING access_until
                """,
                [.text(sessionID)]
            )
            return try rows.first?.real("access_until")
        }
    }

    private static let sessionColumns = "sid, subject, refresh_jti, access_until, expires_at"

    private static func session(_ row: SQLiteRow) throws -> SessionRecord {
        SessionRecord(
            id: try row.text("sid"),
            subject: try row.text("subject"),
            refreshTokenID: row.column("refresh_jti")?.string,
            accessTokensUntil: try row.real("access_until"),
            expiresAt: try row.real("expires_at")
        )
    }
}
