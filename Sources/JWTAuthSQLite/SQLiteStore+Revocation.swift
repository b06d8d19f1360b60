public import JWTAuth
import SQLiteNIO
import Synchronization

extension SQLiteStore: RevocationStore {
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

    public func revoke(sessionID: String, until: Double) async throws {
        try await write { db in
            _ = try await db.query(
                """
                INSERT INTO revoked_sessions (sid, expires_at) VALUES (?1, ?2)
                ON CONFLICT (sid) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)
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

    /// Atomic: one transaction at a time on the connection, and the row is only written when new or expired.
    public func spend(refreshTokenID: String, until: Double) async throws -> Bool {
        let now = clock.now
        return try await write { db in
            _ = try await db.query(
                """
                INSERT INTO spent_refresh_tokens (jti, expires_at) VALUES (?1, ?2)
                ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at
                WHERE spent_refresh_tokens.expires_at <= ?3
                """,
                [.text(refreshTokenID), .float(until), .float(now)]
            )
            return try await Self.changes(db) == 1
        }
    }

    /// A lookup in memory: no database round trip.
    public func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        let now = clock.now
        return try state.withLock { state in
            if state.isClosed { throw SQLiteStoreError.closed }
            return state.index.isRevoked(query, now: now)
        }
    }

    /// A copy of the live revocations (those in the database, as the index holds them), e.g. to refill a
    /// shared cache such as Redis after it lost its data.
    public func revocationSnapshot() throws -> RevocationIndex {
        try state.withLock { state in
            if state.isClosed { throw SQLiteStoreError.closed }
            return state.index
        }
    }

    /// The rows changed by the last statement; exact because the gate lets one operation at a time in.
    static func changes(_ db: SQLiteConnection) async throws -> Int {
        Int(try await db.query("SELECT changes() AS n").first?.integer("n") ?? 0)
    }
}
