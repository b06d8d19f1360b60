public import Hummingbird
import HummingbirdAuth
public import JWTAuth

/// Lets through only tokens whose `roles` claim holds every one of `roles`; 403 `insufficient_scope`
/// otherwise. Place it after a ``JWTRequiredMiddleware``. OPTIONS requests pass unchecked.
///
/// Refusals are thrown, so that ``JWTErrorMiddleware`` renders them with the manager's realm and error
/// handlers (without it, Hummingbird renders the error's own JSON response).
public struct RoleRequiredMiddleware<Context: JWTRequestContext>: RouterMiddleware {
    public let roles: [String]
    /// The claim that lists roles. Defaults to `roles`.
    public let claim: String

    public init(_ roles: String..., claim: String = "roles", context: Context.Type = Context.self) {
        self.roles = roles
        self.claim = claim
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // OPTIONS never needs a token, so it has no roles to check either.
        if request.method == .options { return try await next(request, context) }
        guard let identity = context.identity else { throw JWTAuthError.missingToken() }
        let held = Set(identity.claims.strings(claim))
        if let role = roles.first(where: { !held.contains($0) }) { throw JWTAuthError.insufficientScope(role: role) }
        return try await next(request, context)
    }
}

/// Lets through only tokens whose claims satisfy `policy`; 403 `insufficient_scope` with `message`
/// otherwise, thrown as ``RoleRequiredMiddleware`` does. For scopes, audiences or any claim-based rule.
/// OPTIONS requests pass unchecked.
public struct ClaimsPolicyMiddleware<Context: JWTRequestContext>: RouterMiddleware {
    public let policy: @Sendable (JWTClaims) -> Bool
    public let message: String

    public init(message: String, context: Context.Type = Context.self, _ policy: @escaping @Sendable (JWTClaims) -> Bool) {
        self.policy = policy
        self.message = message
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .options { return try await next(request, context) }
        guard let identity = context.identity else { throw JWTAuthError.missingToken() }
        guard policy(identity.claims) else { throw JWTAuthError.insufficientScope(message) }
        return try await next(request, context)
    }
}
