#if Vapor
public import JWTAuth
import JWTAuthService
public import Vapor

/// Loads the user a verified token speaks for (`user_lookup_loader`), once per request, for
/// `req.jwtAuth.user(as: User.self)`. Place it after a ``JWTAuthMiddleware``; a route without a verified
/// token (an optional one) passes without a user.
///
/// The lookup returning nil answers 401 `user_not_found`; a lookup failing with anything but a
/// `JWTAuthError` (the store is down) answers 503 `unavailable`.
public struct JWTUserMiddleware<User: Sendable>: AsyncMiddleware {
    public let lookup: @Sendable (JWTIdentity, Request) async throws -> User?

    public init(_ type: User.Type = User.self, lookup: @escaping @Sendable (JWTIdentity, Request) async throws -> User?) {
        self.lookup = lookup
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let identity = request.jwtAuth.optionalIdentity else { return try await next.respond(to: request) }
        do throws(JWTAuthError) {
            let user = try await JWTAuthError.loadingUser(identity.subject) { try await lookup(identity, request) }
            request.storage[JWTAuthRequest.UserKey.self] = user
        } catch {
            return request.jwtAuth.response(for: error)
        }
        return try await next.respond(to: request)
    }
}

extension JWTUserMiddleware where User == UserRecord {
    /// Loads the token's `UserRecord` from `app.jwtAuth.service`'s user store; disabled users are not found.
    public static var authService: Self {
        Self { identity, request in
            guard let user = try await request.application.jwtAuth.requireService().users.user(id: identity.subject), !user.isDisabled
            else { return nil }
            return user
        }
    }
}
#endif
