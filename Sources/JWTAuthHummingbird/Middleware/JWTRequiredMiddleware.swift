public import Hummingbird
import HummingbirdAuth
import JWTAuth

/// Protects the routes after it: `@jwt_required(...)`. Puts the verified ``JWTIdentity`` in the context,
/// answers with the error's JSON response otherwise, and sets new cookies after an implicit refresh.
public struct JWTRequiredMiddleware<Context: JWTRequestContext>: RouterMiddleware {
    public let manager: JWTManager
    public let requirement: JWTRequirement

    public init(manager: JWTManager, requirement: JWTRequirement = .required) {
        self.manager = manager
        self.requirement = requirement
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch manager.authenticateSynchronously(request, context: context, requirement: requirement) {
        case .success(let checked)?:
            return try await proceed(request, context, checked, next)
        case .failure(let error)?:
            return await manager.response(for: error, request: request, context: context)
        case nil:
            // Only here may the request change: a token or CSRF field read from the body keeps the body on it.
            var request = request
            let authentication: JWTAuthentication?
            do {
                authentication = try await manager.authenticate(&request, context: context, requirement: requirement)
            } catch {
                return await manager.response(for: error, request: request, context: context)
            }
            return try await proceed(request, context, authentication, next)
        }
    }

    /// The routes after this middleware, with the identity in the context; new cookies after an implicit refresh.
    private func proceed(
        _ request: Request,
        _ context: Context,
        _ authentication: JWTAuthentication?,
        _ next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.identity = authentication?.identity
        var response = try await next(request, context)
        if let reissued = authentication?.reissuedAccessToken {
            manager.setReissuedAccessCookies(reissued, on: &response)
        }
        return response
    }
}
