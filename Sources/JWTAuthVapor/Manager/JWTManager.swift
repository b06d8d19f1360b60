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

    /// Verifies tokens; with a ``keySource``, its configuration, store, cache and clock are used with the
    /// source's current keys.
    public let verifier: TokenVerifier
    /// Keys that change while the application runs (a remote JWKS, a rotated key directory). Defaults to
    /// none: ``verifier``'s own keys.
    public let keySource: (any JWTKeySource)?
    /// Issues tokens, for implicit refresh. Defaults to none. With a ``keySource`` that is a
    /// `JWTSigningKeySource`, tokens are signed with the source's current key instead.
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
    /// the refresh cookie is still good. Defaults to nil (off). Give the verifier your session store
    /// (`verifier.checkingSessions(in: sessions)`): a refresh cookie is then good only while its session lives,
    /// and each re-issued token is noted in the session, so that a logout revokes it for as long as it lasts.
    public var implicitRefresh: Duration?
    /// Custom responses by error code. Defaults to none.
    public var errorHandlers: [JWTAuthError.Code: ErrorHandler] = [:]

    /// The verifier and issuer built for the key source's latest keys, shared by the manager's copies.
    package let sourcedVerifier = SourcedVerifier()
    let sourcedIssuer = SourcedIssuer()

    /// A manager verifying with `verifier` (which should consult your revocation store) and, when given,
    /// issuing with `issuer`; with a `keySource`, with the source's current keys.
    public init(verifier: TokenVerifier, issuer: TokenIssuer? = nil, keySource: (any JWTKeySource)? = nil) {
        self.verifier = verifier
        self.issuer = issuer
        self.keySource = keySource
    }

    /// A manager whose keys all come from `keySource` (a remote JWKS, a rotated key directory): each token is
    /// verified with the source's keys for its `kid`, under `configuration`, `revocationStore`, `cache` and `clock`;
    /// with `decrypter`, tokens are nested JWTs, decrypted first.
    /// - Throws: `invalid_configuration` for bad settings.
    public init(
        keySource: any JWTKeySource,
        configuration: TokenConfiguration = TokenConfiguration(),
        revocationStore: (any RevocationStore)? = nil,
        cache: VerifiedTokenCache? = nil,
        clock: JWTClock = .system,
        decrypter: JWEDecrypter? = nil,
        issuer: TokenIssuer? = nil
    ) throws(JWTAuthError) {
        let verifier = try TokenVerifier(
            awaitingKeys: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock,
            decrypter: decrypter
        )
        self.init(verifier: verifier, issuer: issuer, keySource: keySource)
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

    /// The verifier for `token`: ``verifier``, or with a ``keySource``, ``verifier`` with the source's keys for its `kid`.
    /// - Throws: `invalid_token` for a token whose header cannot be read, `unavailable` when the source has no keys.
    public func verifier(for token: String) async throws(JWTAuthError) -> TokenVerifier {
        try await sourcedVerifier.verifier(for: token, source: keySource, base: verifier)
    }

    /// The issuer to sign with now: `base`, or `base` with a signing key source's current key.
    /// - Throws: `unavailable` when the source has no keys.
    public func issuer(basedOn base: TokenIssuer) async throws(JWTAuthError) -> TokenIssuer {
        try await sourcedIssuer.issuer(basedOn: base, source: keySource)
    }

    package func checkRevocation(_ verified: VerifiedToken) async throws(JWTAuthError) {
        try await verifier.checkRevocation(verified)
    }
}
#endif
