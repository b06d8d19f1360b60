/// The rules for ending sessions, shared by every front (the JSON routes, the web site, the command
/// line): logging out one session, and ending every session of a user (logout everywhere, a password
/// change, disabling the account).
///
/// A session ends in two places: in the session store (the record), where it can no longer be refreshed, and in
/// the revocation store that every request consults, which rejects its access tokens. The revocation lasts only as
/// long as one of those access tokens can still be accepted: until the latest `exp` of any of them (as the session
/// store tracked it, and at least an access lifetime from now, for tokens issued by implicit refresh) plus the
/// leeway. Refresh tokens are not revoked one by one: refresh asks the session store.
public struct UserSessions: Sendable {
    public let sessions: any SessionStore
    public let revocations: any RevocationStore
    /// The access token lifetime and the leeway: how long a revocation of a session is kept.
    public let tokens: TokenConfiguration
    public let clock: JWTClock

    public init(sessions: any SessionStore, revocations: any RevocationStore, tokens: TokenConfiguration, clock: JWTClock = .system) {
        self.sessions = sessions
        self.revocations = revocations
        self.tokens = tokens
        self.clock = clock
    }

    /// When a session started now would end at the latest: its refresh token's `exp`.
    public var sessionEnd: Double { clock.now + Double(tokens.refreshTokenLifetime.components.seconds) }

    /// Until when a revocation of tokens expiring at `expiresAt` must count: then plus the leeway, and at least an
    /// access lifetime plus the leeway from now.
    public func revocationEnd(accessTokensUntil expiresAt: Double) -> Double {
        let now = clock.now
        return max(expiresAt, now + Double(tokens.accessTokenLifetime.components.seconds)) + Double(tokens.leeway.components.seconds)
    }

    /// Ends the session of the token with `claims` (`logout`): every access and refresh token of that session is
    /// rejected from now on. A token without session is revoked alone, until its `exp` plus the leeway.
    public func end(_ claims: JWTClaims) async throws {
        if let sid = claims.sessionID {
            try await end(sessionID: sid, also: claims.tokenType == .refresh ? nil : claims.expiresAt)
        } else if let jti = claims.id {
            try await revocations.revoke(tokenID: jti, until: revocationEnd(accessTokensUntil: claims.expiresAt ?? sessionEnd))
        }
    }

    /// Ends the session `sessionID` in the record, then revokes it for as long as its access tokens (and one
    /// expiring at `accessTokenExpiry`, the token of the request) can be accepted.
    public func end(sessionID: String, also accessTokenExpiry: Double? = nil) async throws {
        let tracked = try await sessions.endSession(sessionID)
        let latest = max(tracked ?? 0, accessTokenExpiry ?? 0)
        try await revocations.revoke(sessionID: sessionID, until: revocationEnd(accessTokensUntil: latest))
    }

    /// Sets the user's cutoff to the current second and ends every open session of `subject`, so that
    /// tokens issued earlier in that same second die too while later logins work. `current` is the
    /// session of the request, ended even if the session store no longer lists it.
    public func endAll(of subject: String, current: String? = nil) async throws {
        try await revocations.revokeAll(subject: subject, issuedBefore: clock.now.rounded(.down))
        var open = Set(try await sessions.openSessions(of: subject).map(\.id))
        if let current { open.insert(current) }
        for sid in open { try await end(sessionID: sid) }
    }

    /// Disables (or enables) the user `id` in `users`. Disabling ends every session of the user at once,
    /// so that the user's tokens are rejected on the next request; enabling does not bring them back.
    public func setDisabled(_ isDisabled: Bool, user id: String, in users: any UserStore) async throws {
        try await users.setDisabled(isDisabled, forUser: id)
        if isDisabled { try await endAll(of: id) }
    }
}
