#if Vapor
public import JWTAuth
public import JWTAuthService
public import Vapor

/// Everything a Vapor application needs to protect its routes with JWTs: Flask-JWT-Extended's `JWTManager`.
/// Make one at start-up, keep it in `app.jwtAuth.manager`, and group routes behind ``JWTAuthMiddleware``.
///
/// ```swift
/// var manager = JWTManager(verifier: verifier, issuer: issuer)
/// manager.locations = [.headers, .cookies]
/// app.jwtAuth.manager = manager
/// let protected = app.grouped(JWTAuthMiddleware(.required))
/// ```
public struct JWTManager: Sendable {
    /// Replaces the response for one error code (`expired_token_loader`, `invalid_token_loader`, …).
    public typealias ErrorHandler = @Sendable (JWTAuthError, Request) -> Response

    /// Verifies tokens.
    public let verifier: TokenVerifier
    /// Issues tokens, for implicit refresh. Defaults to none.
    public let issuer: TokenIssuer?
    /// Where tokens are looked for, in order. Defaults to `[.headers]`.
    public var locations: [TokenLocation] = [.headers]
    /// The cookies for the `.cookies` location.
    public var cookies = JWTCookieConfiguration()
    /// The query parameter for the `.query` location. Defaults to `jwt`.
    public var queryParameter = "jwt"
    /// The JSON member for the `.json` location's access token. Defaults to `access_token`.
    public var jsonAccessKey = "access_token"
    /// The JSON member for the `.json` location's refresh token. Defaults to `refresh_token`.
    public var jsonRefreshKey = "refresh_token"
    /// The largest body read for the `.json` location, a CSRF form field or an auth route, in bytes.
    /// Defaults to 64 KiB.
    public var maximumBodySize = 64 * 1024
    /// The realm named in `WWW-Authenticate`. Defaults to `jwt-auth`.
    public var realm = "jwt-auth"
    /// Re-issue a cookie session's access token when less than this remains, or when it expired and
    /// the refresh cookie is still good. Defaults to nil (off).
    public var implicitRefresh: Duration?
    /// Custom responses by error code. Defaults to none.
    public var errorHandlers: [JWTAuthError.Code: ErrorHandler] = [:]

    /// A manager verifying with `verifier` (which should consult your revocation store) and, when given,
    /// issuing with `issuer`.
    public init(verifier: TokenVerifier, issuer: TokenIssuer? = nil) {
        self.verifier = verifier
        self.issuer = issuer
    }

    /// The response for `error`: the application's handler for its code, or the JSON body
    /// `{"error": code, "msg": message}` with its status and `WWW-Authenticate`.
    public func response(for error: JWTAuthError, request: Request) -> Response {
        if let handler = errorHandlers[error.code] { return handler(error, request) }
        return error.response(realm: realm)
    }

    /// Middleware for routes that need `requirement`.
    public func middleware(_ requirement: JWTRequirement = .required) -> JWTAuthMiddleware {
        JWTAuthMiddleware(requirement, manager: self)
    }
}

extension JWTManager: TokenAuthority {
    package var tokenNames: TokenNames {
        TokenNames(cookies: cookies, queryParameter: queryParameter, jsonAccessKey: jsonAccessKey, jsonRefreshKey: jsonRefreshKey)
    }

    package func verifier(for token: String) async throws(JWTAuthError) -> TokenVerifier { verifier }

    package func issuer(basedOn base: TokenIssuer) async throws(JWTAuthError) -> TokenIssuer { base }

    package func checkRevocation(_ verified: VerifiedToken) async throws(JWTAuthError) {
        try await verifier.checkRevocation(verified)
    }
}
#endif
