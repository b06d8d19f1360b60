/// A login's session as the record of sessions keeps it.
public struct SessionRecord: Sendable, Hashable, Codable {
    /// The session's id, the `sid` of its tokens.
    public var id: String
    /// Whose session it is: the `sub` of its tokens.
    public var subject: String
    /// The `jti` of the session's current refresh token: a refresh token of the session with another `jti` is a
    /// copy of a spent one. Nil for a session without refresh token (a fresh login), or one recorded by an earlier
    /// version that did not keep it: its first refresh then sets it.
    public var refreshTokenID: String?
    /// The latest `exp` of an access token issued in the session: a revocation of the session must last until then
    /// (plus the leeway) to reject every one of them.
    public var accessTokensUntil: Double
    /// When the session ends by itself: its refresh token's `exp` (for a fresh login, its access token's).
    public var expiresAt: Double

    public init(id: String, subject: String, refreshTokenID: String?, accessTokensUntil: Double, expiresAt: Double) {
        self.id = id
        self.subject = subject
        self.refreshTokenID = refreshTokenID
        self.accessTokensUntil = accessTokensUntil
        self.expiresAt = expiresAt
    }
}

/// A refresh as the session store records it: the refresh token presented, the one that replaces it, and the
/// session's new ends.
public struct RefreshTokenReplacement: Sendable, Hashable, Codable {
    /// The session (`sid`) of the presented refresh token.
    public var sessionID: String
    /// The `jti` of the refresh token presented.
    public var presented: String
    /// The `jti` of the refresh token that replaces it.
    public var next: String
    /// The `exp` of the access token issued with it: the session's access tokens last at least until then.
    public var accessTokensUntil: Double
    /// The `exp` of the new refresh token: the session lasts at least until then.
    public var until: Double

    public init(sessionID: String, presented: String, next: String, accessTokensUntil: Double, until: Double) {
        self.sessionID = sessionID
        self.presented = presented
        self.next = next
        self.accessTokensUntil = accessTokensUntil
        self.until = until
    }
}

/// What became of a refresh token presented at refresh (``SessionStore/rotateRefreshToken(_:)``).
public enum RefreshTokenRotation: Sendable, Hashable {
    /// It was the session's current refresh token: the new one replaced it.
    case rotated
    /// The session lives, but its current refresh token is another: the presented one was spent before, so
    /// someone holds a copy. The caller ends the session.
    case reused
    /// The session is not live (ended, expired, or unknown).
    case ended
}

/// The record of sessions: each login's session (`sid`), whose it is, its current refresh token, and how long its
/// access tokens last. Refresh is checked here (not in the per-request revocation store): a session that ended, or a
/// refresh token that is not its current one, is refused. `logout-all` and a password change end every open
/// session of a user from here.
///
/// Every store passes the session part of `UserStoreConformance` from JWTAuthTesting. Each call is atomic:
/// of concurrent rotations with one refresh token, exactly one rotates.
public protocol SessionStore: Sendable {
    /// Records a new session (or replaces the record of one with the same id).
    func openSession(_ session: SessionRecord) async throws
    /// Replaces the session's current refresh token `presented` by `next` when the session is live and
    /// `presented` is its current one (or it has none yet), and moves its ends on: `accessTokensUntil` (the
    /// new access token's `exp`) and `until` (the new refresh token's `exp`) are kept if later. Atomic.
    func rotateRefreshToken(_ replacement: RefreshTokenReplacement) async throws -> RefreshTokenRotation
    /// Notes an access token issued in the live session `sessionID` without a refresh (implicit refresh) and
    /// expiring at `until`; false, and nothing noted, when the session is not live.
    func recordAccessToken(sessionID: String, until: Double) async throws -> Bool
    /// The session `sessionID` if it is live: not ended, not past its end.
    func session(_ sessionID: String) async throws -> SessionRecord?
    /// The live sessions of `subject`.
    func openSessions(of subject: String) async throws -> [SessionRecord]
    /// Ends the session: it can no longer be refreshed. Returns the latest `exp` of its access tokens, which a
    /// revocation of it must outlast, or nil when the store knows no such session. A store that serves revocation
    /// checks from its sessions keeps the ended record until then.
    func endSession(_ sessionID: String) async throws -> Double?
}
