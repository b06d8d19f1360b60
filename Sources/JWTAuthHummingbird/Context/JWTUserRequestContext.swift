public import Hummingbird
public import HummingbirdAuth
public import JWTAuth
public import NIOCore

/// A request context that also carries the user a token speaks for, typed: Flask-JWT-Extended's
/// `current_user`, filled by ``JWTUserMiddleware`` (``JWTManager/middleware(_:context:user:)``).
public protocol JWTUserRequestContext: JWTRequestContext {
    /// The application's user type.
    associatedtype User: Sendable
    /// The user loaded for the request's token; nil without a token (behind an optional requirement).
    var currentUser: User? { get set }
}

extension JWTUserRequestContext {
    /// The loaded user (`current_user`), or `missing_token` when the request had none (an optional route).
    public func requireUser() throws(JWTAuthError) -> User {
        guard let currentUser else {
            if let identity { throw .userNotFound(identity.subject) }
            throw .missingToken()
        }
        return currentUser
    }
}

/// The ready-made ``JWTUserRequestContext`` for a `User` type: ``BasicJWTRequestContext`` with ``currentUser``.
public struct BasicJWTUserRequestContext<User: Sendable>: JWTUserRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: JWTIdentity?
    public var currentUser: User?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.currentUser = nil
        self.remoteAddress = source.channel.remoteAddress
    }
}
