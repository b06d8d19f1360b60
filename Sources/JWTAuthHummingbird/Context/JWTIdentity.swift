public import HummingbirdAuth
public import JWTAuth

/// The verified token of a request, and the user loaded for it: `get_jwt_identity()`, `get_jwt()`
/// and `current_user` in one value.
public struct JWTIdentity: Sendable, RoleProviding {
    /// The verified token.
    public let token: VerifiedToken
    /// The token's text, as presented.
    public let rawToken: String
    /// Where the token was found.
    public let location: TokenLocation
    /// What the user loader returned for `sub`, if a loader is configured.
    public var user: (any Sendable)?

    public init(token: VerifiedToken, rawToken: String, location: TokenLocation, user: (any Sendable)? = nil) {
        self.token = token
        self.rawToken = rawToken
        self.location = location
        self.user = user
    }

    /// `sub` (`get_jwt_identity()`).
    public var subject: String { token.claims.subject ?? "" }
    /// Every claim (`get_jwt()`).
    public var claims: JWTClaims { token.claims }
    /// The `roles` claim, for `RolePolicy` and ``RoleRequiredMiddleware``.
    public var roles: Set<String> { Set(token.claims.strings("roles")) }

    /// The loaded user as `User` (`current_user`).
    public func user<User>(as type: User.Type = User.self) -> User? { user as? User }
}
