/// The rules for ending sessions, shared by every front (the JSON routes, the web site, the command
/// line): logging out one session, and ending every session of a user (logout everywhere, a password
/// change, disabling the account).
public struct UserSessions: Sendable {
    public let sessions: any SessionStore
    public let revocations: any RevocationStore
    /// The refresh token lifetime: how long a session's revocation must be kept.
    public let refreshTokenLifetime: Duration
    public let clock: JWTClock

    public init(sessions: any SessionStore, revocations: any RevocationStore, refreshTokenLifetime: Duration, clock: JWTClock = .system) {
        self.sessions = sessions
        self.revocations = revocations
        self.refreshTokenLifetime = refreshTokenLifetime
        self.clock = clock
    }

    /// When a session started now would end: a revocation of it must last that long.
    public var sessionEnd: Double { clock.now + Double(refreshTokenLifetime.components.seconds) }

    /// Revokes the token with `claims` and its whole session (`logout`): every access and refresh token
    /// of that session is rejected from now on.
    public func end(_ claims: JWTClaims) async throws {
        let sessionEnd = sessionEnd
        if let jti = claims.id { try await revocations.revoke(tokenID: jti, until: claims.expiresAt ?? sessionEnd) }
        if let sid = claims.sessionID {
            try await revocations.revoke(sessionID: sid, until: sessionEnd)
            try await sessions.closeSession(sid)
        }
    }

    /// Sets the user's cutoff to the current second and revokes every open session of `subject`, so that
    /// tokens issued earlier in that same second die too while later logins work. `current` is the
    /// session of the request, revoked even if the session store no longer lists it.
    public func endAll(of subject: String, current: String? = nil) async throws {
        let now = clock.now
        let sessionEnd = sessionEnd
        try await revocations.revokeAll(subject: subject, issuedBefore: now.rounded(.down))
        var open = try await sessions.openSessions(of: subject)
        if let current { open[current] = max(open[current] ?? sessionEnd, sessionEnd) }
        for (sid, until) in open {
            try await revocations.revoke(sessionID: sid, until: max(until, now + 1))
            try await sessions.closeSession(sid)
        }
    }

    /// Disables (or enables) the user `id` in `users`. Disabling ends every session of the user at once,
    /// so that the user's tokens are rejected on the next request; enabling does not bring them back.
    public func setDisabled(_ isDisabled: Bool, user id: String, in users: any UserStore) async throws {
        try await users.setDisabled(isDisabled, forUser: id)
        if isDisabled { try await endAll(of: id) }
    }
}
