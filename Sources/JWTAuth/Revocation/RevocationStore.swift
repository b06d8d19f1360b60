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

/// Where revocations are kept: revoked `jti`s and `sid`s, per-user cutoffs, and spent refresh tokens.
///
/// Times are seconds since 1970. An entry may be forgotten once `until` has passed, since the token it
/// concerns is rejected by its `exp` from then on. Every store passes `RevocationStoreConformance`
/// from JWTAuthTesting. A store that cannot answer throws: the verifier then fails closed with
/// `unavailable`, never accepting an unchecked token.
public protocol RevocationStore: Sendable {
    /// Revokes the token with this `jti` until `until`.
    func revoke(tokenID: String, until: Double) async throws
    /// Revokes every token of the session `sid` until `until`.
    func revoke(sessionID: String, until: Double) async throws
    /// Revokes every token of `subject` issued before `cutoff` (`logout-all`, a password change).
    func revokeAll(subject: String, issuedBefore cutoff: Double) async throws
    /// Spends a refresh token: true the first time for this `jti`, false ever after (until `until`).
    /// Must be atomic: of any number of concurrent calls, exactly one gets true.
    func spend(refreshTokenID: String, until: Double) async throws -> Bool
    /// Whether a token is revoked: by its `jti`, its `sid`, or its `iat` before its subject's cutoff.
    func isRevoked(_ query: RevocationQuery) async throws -> Bool
}
