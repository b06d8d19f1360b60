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

    /// Checks the token on the request's event loop when nothing the check needs must be awaited (a bearer token,
    /// keys in memory, a revocation store in memory), and in a task otherwise (cookies, a key source, a database).
    public func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let manager: JWTManager
        do {
            manager = try self.manager ?? request.application.jwtAuth.requireManager()
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
        switch manager.authenticateSynchronously(request, requirement: requirement) {
        case .success(let authentication)?:
            // Only a cookie session is ever re-issued, and that is checked in a task.
            request.jwtAuth.optionalIdentity = authentication?.identity
            return next.respond(to: request)
        case .failure(let error)?:
            return request.eventLoop.makeSucceededFuture(manager.response(for: error, request: request))
        case nil:
            let promise = request.eventLoop.makePromise(of: Response.self)
            promise.completeWithTask {
                let responder = AsyncBasicResponder { request in try await next.respond(to: request).get() }
                return try await respond(to: request, chainingTo: responder, manager: manager)
            }
            return promise.futureResult
        }
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await respond(to: request, chainingTo: next, manager: self.manager ?? request.application.jwtAuth.requireManager())
    }

    private func respond(to request: Request, chainingTo next: any AsyncResponder, manager: JWTManager) async throws -> Response {
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
