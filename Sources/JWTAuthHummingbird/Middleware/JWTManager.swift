public import Hummingbird
public import JWTAuth
public import Metrics

/// Everything a Hummingbird application needs to protect its routes with JWTs: Flask-JWT-Extended's
/// `JWTManager`. Make one at start-up and hand it to the middleware and routes.
public struct JWTManager: Sendable {
    /// Loads the user a verified token speaks for (`user_lookup_loader`); nil means `user_not_found`.
    public typealias UserLoader = @Sendable (JWTIdentity) async throws -> (any Sendable)?
    /// Replaces the response for one error code (`expired_token_loader`, `invalid_token_loader`, …).
    public typealias ErrorHandler = @Sendable (JWTAuthError, Request) -> Response

    /// Verifies tokens; with a ``keySource``, its configuration, store, cache and clock are used with the
    /// source's current keys.
    public let verifier: TokenVerifier
    /// Keys that change while the application runs (a remote JWKS, a rotated key directory). Defaults to
    /// none: ``verifier``'s own keys.
    public let keySource: (any JWTKeySource)?
    /// Issues tokens, for implicit refresh and the auth routes. Defaults to none. With a ``keySource`` that is a
    /// ``JWTAuth/JWTSigningKeySource``, tokens are signed with the source's current key instead (``issuer(basedOn:)``).
    public let issuer: TokenIssuer?
    /// Where tokens are looked for, in order. Defaults to `[.headers]`.
    public var locations: [TokenLocation]
    /// The cookies for the `.cookies` location.
    public var cookies: JWTCookieConfiguration
    /// The query parameter for the `.query` location. Defaults to `jwt`.
    public var queryParameter: String
    /// The JSON members for the `.json` location. Default to `access_token` and `refresh_token`.
    public var jsonAccessKey: String
    public var jsonRefreshKey: String
    /// The largest body read for the `.json` location or a CSRF form field, in bytes. Defaults to 64 KiB.
    public var maximumBodySize: Int
    /// The realm named in `WWW-Authenticate`. Defaults to `jwt-auth`.
    public var realm: String
    /// Loads `current_user`; called once per request. Defaults to none.
    public var userLoader: UserLoader?
    /// Custom responses by error code.
    public var errorHandlers: [JWTAuthError.Code: ErrorHandler]
    /// Re-issue a cookie session's access token when less than this remains, or when it expired and
    /// the refresh cookie is still good. Defaults to nil (off).
    public var implicitRefresh: Duration?
    /// The counters and timer of token checks, made from the `metricsFactory` given to `init`
    /// (defaults to `MetricsSystem.factory`).
    let metrics: JWTMetrics
    /// The verifier built for the key source's latest keys.
    let sourcedVerifier = SourcedVerifier()
    /// The issuer built for a signing key source's latest key.
    let sourcedIssuer = SourcedIssuer()

    /// A manager verifying with `verifier` and, when given, issuing with `issuer`.
    public init(
        verifier: TokenVerifier,
        issuer: TokenIssuer? = nil,
        locations: [TokenLocation] = [.headers],
        cookies: JWTCookieConfiguration = JWTCookieConfiguration(),
        queryParameter: String = "jwt",
        jsonAccessKey: String = "access_token",
        jsonRefreshKey: String = "refresh_token",
        maximumBodySize: Int = 64 * 1024,
        realm: String = "jwt-auth",
        userLoader: UserLoader? = nil,
        errorHandlers: [JWTAuthError.Code: ErrorHandler] = [:],
        implicitRefresh: Duration? = nil,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        keySource: (any JWTKeySource)? = nil
    ) {
        self.verifier = verifier
        self.keySource = keySource
        self.issuer = issuer
        self.locations = locations
        self.cookies = cookies
        self.queryParameter = queryParameter
        self.jsonAccessKey = jsonAccessKey
        self.jsonRefreshKey = jsonRefreshKey
        self.maximumBodySize = maximumBodySize
        self.realm = realm
        self.userLoader = userLoader
        self.errorHandlers = errorHandlers
        self.implicitRefresh = implicitRefresh
        self.metrics = JWTMetrics(factory: metricsFactory)
    }

    /// The response for `error`: the application's handler for its code, or the JSON body
    /// `{"error": code, "msg": message}` with its status.
    public func response(for error: JWTAuthError, request: Request) -> Response {
        if let handler = errorHandlers[error.code] { return handler(error, request) }
        return error.response(realm: realm)
    }

    /// Middleware for routes that need `requirement`.
    public func middleware<Context: JWTRequestContext>(
        _ requirement: JWTRequirement = .required,
        context: Context.Type = Context.self
    ) -> JWTRequiredMiddleware<Context> {
        JWTRequiredMiddleware(manager: self, requirement: requirement)
    }
}
