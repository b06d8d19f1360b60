public import JWTAuth

/// Revocations as a database store wrote them before sessions became the record of refresh (week-long `sid`
/// rows, spent refresh tokens), and what must hold once the store migrated: nothing revoked becomes valid. The
/// SQLite and PostgreSQL migration tests share it; the tables differ only by their prefix.
package struct OlderSchemaRevocations: Sendable {
    /// A broken rule.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package let now: Double
    package var week: Double { now + 7 * 86400 }

    package init(now: Double) { self.now = now }

    /// The rows the older code wrote: a logout (access `jti`, refresh `jti`, `sid`), a spent refresh token of a live
    /// session, a cutoff of user 1, and live sessions, one of them also revoked.
    package func statements(tablePrefix prefix: String) -> [String] {
        [
            "INSERT INTO \(prefix)revoked_tokens (jti, expires_at) VALUES ('access-1', \(now + 900)), ('refresh-1', \(week))",
            "INSERT INTO \(prefix)revoked_sessions (sid, expires_at) VALUES ('logged-out', \(week)), ('both', \(week))",
            "INSERT INTO \(prefix)spent_refresh_tokens (jti, expires_at) VALUES ('spent', \(week))",
            "INSERT INTO \(prefix)user_cutoffs (subject, cutoff) VALUES ('1', \(now - 10))",
            "INSERT INTO \(prefix)sessions (sid, subject, expires_at) VALUES ('live', '1', \(week)), ('legacy', '1', \(week)), ('both', '1', \(week))",
        ]
    }

    /// Checks the migrated `store`: every revocation as before, an ended session refused at refresh, a spent refresh
    /// token taken for reuse, an unspent one rotated once.
    package func check(_ store: any RevocationStore & SessionStore) async throws {
        func expect(_ condition: Bool, _ message: String) throws {
            if !condition { throw Failure(description: message) }
        }
        try expect(try await store.isRevoked(RevocationQuery(tokenID: "access-1")), "a revoked access jti came back")
        try expect(try await store.isRevoked(RevocationQuery(tokenID: "refresh-1")), "a revoked refresh jti came back")
        try expect(try await store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "logged-out")), "a revoked sid came back")
        try expect(try await store.isRevoked(RevocationQuery(tokenID: "any", sessionID: "both")), "a sid both open and revoked came back")
        try expect(try await store.isRevoked(RevocationQuery(tokenID: "any", subject: "1", issuedAt: now - 11)), "a cutoff was lost")
        let live = RevocationQuery(tokenID: "any", sessionID: "live", subject: "1", issuedAt: now)
        try expect(try await !store.isRevoked(live), "a live session's token is revoked")
        func rotate(_ sid: String, _ presented: String) async throws -> RefreshTokenRotation {
            try await store.rotateRefreshToken(
                RefreshTokenReplacement(sessionID: sid, presented: presented, next: "\(sid)-next", accessTokensUntil: now + 900, until: week)
            )
        }
        try expect(try await rotate("logged-out", "r") == .ended, "a revoked session was refreshed")
        try expect(try await rotate("both", "r") == .ended, "a session both open and revoked was refreshed")
        try expect(try await rotate("legacy", "spent") == .reused, "a spent refresh token was not taken for reuse")
        try expect(try await rotate("live", "current") == .rotated, "a live session's refresh token did not rotate")
        try expect(try await rotate("live", "current") == .reused, "a refresh token rotated twice")
        try expect(try await store.session("live")?.refreshTokenID == "live-next", "the rotation did not make the new token current")
    }
}
