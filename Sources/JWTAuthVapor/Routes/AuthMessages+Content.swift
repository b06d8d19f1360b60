#if Vapor
public import JWTAuthService
public import Vapor

// The auth routes' bodies, as Vapor `Content`: `try req.content.decode(LoginRequest.self)` in your own routes.
// The auth routes themselves read them strictly (415, 413, and 400 naming the member at fault).

extension LoginRequest: Content {}

extension ChangePasswordRequest: Content {}

extension LogoutRequest: Content {}

extension TokenResponse: Content {}

extension UserResponse: Content {}
#endif
