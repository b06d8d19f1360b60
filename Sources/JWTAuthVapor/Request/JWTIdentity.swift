#if Vapor
public import JWTAuth
public import JWTAuthService

/// The verified token of a request: `get_jwt_identity()` and `get_jwt()` in one value.
public struct JWTIdentity: Sendable {
    /// The verified token.
    public let token: VerifiedToken
    /// The token's text, as presented.
    public let rawToken: String
    /// Where the token was found.
    public let location: TokenLocation

    public init(token: VerifiedToken, rawToken: String, location: TokenLocation) {
        self.token = token
        self.rawToken = rawToken
        self.location = location
    }

    /// `sub` (`get_jwt_identity()`).
    public var subject: String { token.claims.subject ?? "" }
    /// Every claim (`get_jwt()`).
    public var claims: JWTClaims { token.claims }
    /// The `roles` claim, for ``RoleRequiredMiddleware``.
    public var roles: Set<String> { Set(token.claims.strings("roles")) }
}
#endif
