#if Vapor
public import JWTAuth
public import Vapor

extension Request {
    /// The request's token, claims and user, once ``JWTAuthMiddleware`` has checked it:
    /// `req.jwtAuth.identity`, `req.jwtAuth.claims(as: MyClaims.self)`, `req.jwtAuth.user(as: User.self)`.
    public var jwtAuth: JWTAuthRequest { JWTAuthRequest(request: self) }
}

/// What ``JWTAuthMiddleware`` and ``JWTUserMiddleware`` put on a request.
public struct JWTAuthRequest: Sendable {
    let request: Request

    /// The verified identity, nil on a route behind an optional requirement that got no token.
    public var optionalIdentity: JWTIdentity? {
        get { request.storage[IdentityKey.self] }
        nonmutating set { request.storage[IdentityKey.self] = newValue }
    }

    /// The verified identity (`get_jwt_identity()` is its `subject`).
    /// - Throws: `missing_token` when no token was verified (no ``JWTAuthMiddleware``, or an optional route).
    public var identity: JWTIdentity {
        get throws(JWTAuthError) {
            guard let identity = optionalIdentity else { throw .missingToken() }
            return identity
        }
    }

    /// The claims of the verified token decoded as `Claims` (`get_jwt()` into a struct).
    /// - Throws: `missing_token` without a verified token, `DecodingError` when the claims do not fit.
    public func claims<Claims: Decodable>(as type: Claims.Type = Claims.self) throws -> Claims {
        try identity.claims.decode(as: type)
    }

    /// The user ``JWTUserMiddleware`` loaded for the token (`current_user`).
    /// - Throws: `missing_token` without a verified token, `user_not_found` when no `User` was loaded.
    public func user<User: Sendable>(as type: User.Type = User.self) throws(JWTAuthError) -> User {
        let identity = try identity
        guard let user = request.storage[UserKey.self] as? User else { throw .userNotFound(identity.subject) }
        return user
    }

    /// The response for `error`, through the application's ``JWTManager`` (its realm and error handlers)
    /// when it has one.
    public func response(for error: JWTAuthError) -> Response {
        request.application.jwtAuth.manager?.response(for: error, request: request) ?? error.response(realm: "jwt-auth")
    }

    struct IdentityKey: StorageKey {
        typealias Value = JWTIdentity
    }

    struct UserKey: StorageKey {
        typealias Value = any Sendable
    }
}
#endif
