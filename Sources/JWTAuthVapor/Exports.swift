#if Vapor
// The core (keys, issuer, verifier, claims) and the auth domain (`AuthService`, token locations,
// requirements, cookies) come with the adapter.
@_exported public import JWTAuth
@_exported public import JWTAuthService
#endif
