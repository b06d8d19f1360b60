/// A token whose signature and claims checked out.
public struct VerifiedToken: Sendable, Hashable {
    public let header: JWSHeader
    public let claims: JWTClaims

    public init(header: JWSHeader, claims: JWTClaims) {
        self.header = header
        self.claims = claims
    }

    /// `sub`, the identity the token speaks for (`get_jwt_identity()`).
    public var subject: String? { claims.subject }
    /// The algorithm the token was verified with.
    public var algorithm: String? { header.algorithm }

    /// `jti`, the token's unique id, as revocation needs it.
    ///
    /// A ``TokenVerifier`` requires it by default (``TokenConfiguration/requiredClaims``); only a verifier
    /// configured not to can yield a token without one, whose `id` is then empty.
    public var id: String { claims.id ?? "" }

    /// `exp`, seconds since 1970.
    ///
    /// A ``TokenVerifier`` requires it by default (``TokenConfiguration/requiredClaims``); a token verified
    /// without one never expires, so it reads as the latest date a token may carry (9999-12-31T23:59:59Z)
    /// and a revocation kept until then outlives it.
    public var expiresAt: Double { claims.expiresAt ?? ClaimsValidation.latestDate }

    /// The claims decoded as `T` (`get_jwt()` into a struct of your own); see ``JWTClaims/decode(as:)``.
    /// - Throws: `DecodingError` naming the member at fault when the claims do not fit `T`.
    public func claims<T: Decodable>(as type: T.Type) throws -> T {
        try claims.decode(as: T.self)
    }
}
