#if Vapor
public import JWTAuth
public import Vapor

/// Lets through only tokens whose `roles` claim holds every one of `roles`; 403 `insufficient_scope`
/// otherwise. Place it after a ``JWTAuthMiddleware``. OPTIONS requests pass unchecked.
public struct RoleRequiredMiddleware: AsyncMiddleware {
    public let roles: [String]
    /// The claim that lists roles. Defaults to `roles`.
    public let claim: String

    public init(_ roles: String..., claim: String = "roles") {
        self.roles = roles
        self.claim = claim
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // OPTIONS never needs a token, so it has no roles to check either.
        if request.method == .OPTIONS { return try await next.respond(to: request) }
        do throws(JWTAuthError) {
            let held = Set(try request.jwtAuth.identity.claims.strings(claim))
            if let role = roles.first(where: { !held.contains($0) }) { throw JWTAuthError.insufficientScope(role: role) }
        } catch {
            return request.jwtAuth.response(for: error)
        }
        return try await next.respond(to: request)
    }
}

/// Lets through only tokens whose claims satisfy `policy`; 403 `insufficient_scope` with `message`
/// otherwise. For scopes, audiences or any claim-based rule. OPTIONS requests pass unchecked.
public struct ClaimsPolicyMiddleware: AsyncMiddleware {
    public let policy: @Sendable (JWTClaims) -> Bool
    public let message: String

    public init(message: String, _ policy: @escaping @Sendable (JWTClaims) -> Bool) {
        self.policy = policy
        self.message = message
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .OPTIONS { return try await next.respond(to: request) }
        do throws(JWTAuthError) {
            guard policy(try request.jwtAuth.identity.claims) else { throw JWTAuthError.insufficientScope(message) }
        } catch {
            return request.jwtAuth.response(for: error)
        }
        return try await next.respond(to: request)
    }
}
#endif
