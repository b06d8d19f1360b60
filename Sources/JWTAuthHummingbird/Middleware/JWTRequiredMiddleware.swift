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
        var request = request
        let authentication: JWTAuthentication?
        switch manager.authenticateSynchronously(request, context: context, requirement: requirement) {
        case .success(let checked)?:
            authentication = checked
        case .failure(let error)?:
            return await manager.response(for: error, request: request, context: context)
        case nil:
            do {
                authentication = try await manager.authenticate(&request, context: context, requirement: requirement)
            } catch {
                return await manager.response(for: error, request: request, context: context)
            }
        }
        var context = context
        context.identity = authentication?.identity
        var response = try await next(request, context)
        if let reissued = authentication?.reissuedAccessToken {
            manager.setReissuedAccessCookies(reissued, on: &response)
        }
        return response
    }
}
