public import JWTAuth
import SQLiteNIO
import Synchronization

extension SQLiteStore: RevocationStore, SynchronousRevocationStore {
    public func revoke(tokenID: String, until: Double) async throws {
        try await write { db in
            _ = try await db.query(
                """
                INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2)
                ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)
                """,
                [.text(tokenID), .float(until)]
            )
        }
        state.withLock { $0.index.revoke(tokenID: tokenID, until: until) }
    }

    /// Marks the session's row ended (a row of its own for a session this store did not record), kept until
    /// `until`: refresh refuses it, and the per-request check rejects its tokens until then.
    public func revoke(sessionID: String, until: Double) async throws {
        try await write { db in
            _ = try await db.query(
                """
                INSERT INTO sessions (sid, subject, expires_at, refresh_jti, access_until, ended) VALUES (?1, '', ?2, NULL, ?2, 1)
                ON CONFLICT (sid) DO UPDATE SET ended = 1,
                    expires_at = CASE WHEN sessions.ended = 1 THEN max(sessions.expires_at, excluded.expires_at) ELSE excluded.expires_at END
                """,
                [.text(sessionID), .float(until)]
            )
        }
        state.withLock { $0.index.revoke(sessionID: sessionID, until: until) }
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        try await write { db in
            _ = try await db.query(
                """
                INSERT INTO user_cutoffs (subject, cutoff) VALUES (?1, ?2)
                ON CONFLICT (subject) DO UPDATE SET cutoff = max(cutoff, excluded.cutoff)
                """,
                [.text(subject), .float(cutoff)]
            )
        }
        state.withLock { $0.index.revokeAll(subject: subject, issuedBefore: cutoff) }
    }

    /// A lookup in memory: no database round trip.
    public func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        try isRevokedSynchronously(query)
    }

    /// ``isRevoked(_:)`` without suspending: the index is in memory.
    package func isRevokedSynchronously(_ query: RevocationQuery) throws -> Bool {
        let now = clock.now
        return try state.withLock { state in
            if state.isClosed { throw SQLiteStoreError.closed }
            return state.index.isRevoked(query, now: now)
        }
    }

    /// The rows changed by the last statement; exact because the gate lets one operation at a time in.
    static func changes(_ db: SQLiteConnection) async throws -> Int {
        Int(try await db.query("SELECT changes() AS n").first?.integer("n") ?? 0)
    }
}
