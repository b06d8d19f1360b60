public import Hummingbird
public import HummingbirdAuth
public import JWTAuth

/// A request context that carries the verified token as its identity.
public protocol JWTRequestContext: AuthRequestContext<JWTIdentity> {}

extension JWTRequestContext {
    /// The verified identity, or `missing_token` (for routes behind an optional requirement).
    public func requireJWT() throws(JWTAuthError) -> JWTIdentity {
        guard let identity else { throw .missingToken() }
        return identity
    }

    /// The claims of the request's token, if one was verified.
    public var jwtClaims: JWTClaims? { identity?.claims }
}

/// The ready-made ``JWTRequestContext``.
public struct BasicJWTRequestContext: JWTRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: JWTIdentity?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
    }
}
