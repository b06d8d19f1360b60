#if Vapor
public import JWTAuthService
public import Vapor

/// Protects the routes after it: `@jwt_required(...)`. Puts the verified ``JWTIdentity`` on the request
/// (`req.jwtAuth.identity`), answers with the error's JSON response otherwise, and sets new cookies after
/// an implicit refresh.
///
/// ```swift
/// let protected = app.grouped(JWTAuthMiddleware(.required))
/// let admin = protected.grouped(RoleRequiredMiddleware("admin"))
/// let cookieOnly = app.grouped(JWTAuthMiddleware(JWTRequirement(locations: [.cookies])))
/// ```
public struct JWTAuthMiddleware: AsyncMiddleware {
    /// What the routes ask of their token.
    public let requirement: JWTRequirement
    /// The manager; nil uses `app.jwtAuth.manager`.
    public let manager: JWTManager?

    public init(_ requirement: JWTRequirement = .required, manager: JWTManager? = nil) {
        self.requirement = requirement
        self.manager = manager
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let manager = try self.manager ?? request.application.jwtAuth.requireManager()
        let authentication: JWTAuthentication?
        do {
            authentication = try await manager.authenticate(request, requirement: requirement)
        } catch {
            return manager.response(for: error, request: request)
        }
        request.jwtAuth.optionalIdentity = authentication?.identity
        let response = try await next.respond(to: request)
        if let reissued = authentication?.reissuedAccessToken {
            manager.setReissuedAccessCookies(reissued, on: response)
        }
        return response
    }
}
#endif
