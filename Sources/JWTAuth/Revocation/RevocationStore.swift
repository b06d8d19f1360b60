/// What a revocation check looks at: a token's `jti`, `sid`, `sub` and `iat`.
public struct RevocationQuery: Sendable, Hashable {
    public var tokenID: String
    public var sessionID: String?
    public var subject: String?
    public var issuedAt: Double?

    public init(tokenID: String, sessionID: String? = nil, subject: String? = nil, issuedAt: Double? = nil) {
        self.tokenID = tokenID
        self.sessionID = sessionID
        self.subject = subject
        self.issuedAt = issuedAt
    }

    /// The query for a verified token's claims; nil when it has no `jti`.
    public init?(_ claims: JWTClaims) {
        guard let id = claims.id else { return nil }
        self.init(tokenID: id, sessionID: claims.sessionID, subject: claims.subject, issuedAt: claims.issuedAt)
    }
}

/// Where revocations are kept for the check of every request: revoked `jti`s and `sid`s, and per-user cutoffs.
///
/// Times are seconds since 1970. An entry may be forgotten once `until` has passed: callers give the latest `exp`
/// (plus the leeway) of the tokens it concerns, which are rejected by their `exp` from then on. Refresh tokens are
/// checked against a ``SessionStore`` (the record of sessions) at refresh, so a session's revocation here need only
/// outlast its access tokens. Every store passes `RevocationStoreConformance`
/// from JWTAuthTesting. A store that cannot answer throws: the verifier then fails closed with
/// `unavailable`, never accepting an unchecked token.
public protocol RevocationStore: Sendable {
    /// Revokes the token with this `jti` until `until`.
    func revoke(tokenID: String, until: Double) async throws
    /// Revokes every token of the session `sid` until `until`.
    func revoke(sessionID: String, until: Double) async throws
    /// Revokes every token of `subject` issued before `cutoff` (`logout-all`, a password change).
    func revokeAll(subject: String, issuedBefore cutoff: Double) async throws
    /// Whether a token is revoked: by its `jti`, its `sid`, or its `iat` before its subject's cutoff.
    func isRevoked(_ query: RevocationQuery) async throws -> Bool
}
