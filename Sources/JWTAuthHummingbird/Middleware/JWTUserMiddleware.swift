public import Hummingbird
import HummingbirdAuth
public import JWTAuth

/// ``JWTRequiredMiddleware`` that also loads the token's user, typed (`user_lookup_loader`): the route finds
/// it in `context.currentUser`. Make it with ``JWTManager/middleware(_:context:user:)``.
///
/// The lookup runs once per request with a verified token (never for a refused one, nor without a token
/// behind an optional requirement). It returning nil is 401 `user_not_found`; a `JWTAuthError` it throws is
/// answered as it is; any other error is 503 `unavailable`, its text never shown.
public struct JWTUserMiddleware<Context: JWTUserRequestContext>: RouterMiddleware {
    /// Loads the user a verified token speaks for; nil when there is none.
    public typealias UserLookup = @Sendable (JWTIdentity) async throws -> Context.User?

    public let manager: JWTManager
    public let requirement: JWTRequirement
    public let lookUp: UserLookup

    public init(manager: JWTManager, requirement: JWTRequirement = .required, user lookUp: @escaping UserLookup) {
        self.manager = manager
        self.requirement = requirement
        self.lookUp = lookUp
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var user: Context.User?
        let authentication: JWTAuthentication?
        do {
            authentication = try await manager.authenticate(&request, context: context, requirement: requirement) { identity throws(JWTAuthError) in
                user = try await manager.lookUpUser(for: identity, with: lookUp)
            }
        } catch {
            return await manager.response(for: error, request: request, context: context)
        }
        var context = context
        var identity = authentication?.identity
        if let user { identity?.user = user }
        context.identity = identity
        context.currentUser = user
        var response = try await next(request, context)
        if let reissued = authentication?.reissuedAccessToken {
            manager.setReissuedAccessCookies(reissued, on: &response)
        }
        return response
    }
}

extension JWTManager {
    /// Middleware for routes that need `requirement` and the token's user, loaded by `user` into
    /// `context.currentUser` (`@jwt_required()` with `user_lookup_loader`):
    ///
    /// ```swift
    /// typealias Context = BasicJWTUserRequestContext<UserRecord>
    /// let router = Router(context: Context.self)
    /// let withUser = manager.middleware(.required, context: Context.self) { identity in
    ///     try await users.user(id: identity.subject)
    /// }
    /// router.group("/api").add(middleware: withUser)
    ///     .get("/me") { _, context in try context.requireUser().username }  // current_user
    /// ```
    public func middleware<Context: JWTUserRequestContext>(
        _ requirement: JWTRequirement = .required,
        context: Context.Type = Context.self,
        user: @escaping JWTUserMiddleware<Context>.UserLookup
    ) -> JWTUserMiddleware<Context> {
        JWTUserMiddleware(manager: self, requirement: requirement, user: user)
    }
}
