public import Hummingbird
public import HummingbirdAuth
public import JWTAuth
public import NIOCore

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

/// The ready-made ``JWTRequestContext``; it knows the client's address for login throttling.
public struct BasicJWTRequestContext: JWTRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: JWTIdentity?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
    }
}
