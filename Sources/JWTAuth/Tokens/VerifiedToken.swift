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
}
