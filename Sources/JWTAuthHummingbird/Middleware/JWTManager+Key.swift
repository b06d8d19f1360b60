public import JWTAuth
public import Metrics

extension JWTManager {
    /// A manager that issues and verifies with `key` under one `configuration`: the ``issuer``, the
    /// ``verifier`` and the manager built together, so that their settings cannot disagree.
    ///
    /// CSRF double submit is switched on in one place, `cookies.csrfProtection` (on by default): when `.cookies`
    /// is one of `locations` and it is on, tokens carry the `csrf` claim the middleware checks, whatever
    /// ``JWTAuth/TokenConfiguration/includesCSRFClaim`` says. A private key verifies with its public key, an HMAC key
    /// with itself. The other parameters are those of ``JWTAuth/TokenIssuer``, ``JWTAuth/TokenVerifier`` and
    /// ``init(verifier:issuer:locations:cookies:queryParameter:jsonAccessKey:jsonRefreshKey:maximumBodySize:realm:userLoader:errorHandlers:implicitRefresh:metricsFactory:keySource:)``.
    /// - Throws: `invalid_key` when `key` cannot sign (a public key), `invalid_configuration` for bad settings.
    public init(
        key: JWTKey,
        configuration: TokenConfiguration = TokenConfiguration(),
        claimsProvider: ClaimsProvider? = nil,
        revocationStore: (any RevocationStore)? = nil,
        cache: VerifiedTokenCache? = nil,
        clock: JWTClock = .system,
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
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) throws(JWTAuthError) {
        var configuration = configuration
        if locations.contains(.cookies), cookies.csrfProtection { configuration.includesCSRFClaim = true }
        let issuer = try TokenIssuer(key: key, configuration: configuration, clock: clock, claimsProvider: claimsProvider)
        let verifier = try TokenVerifier(
            keys: JWTKeySet([key.publicKey ?? key]),
            configuration: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock
        )
        self.init(
            verifier: verifier,
            issuer: issuer,
            locations: locations,
            cookies: cookies,
            queryParameter: queryParameter,
            jsonAccessKey: jsonAccessKey,
            jsonRefreshKey: jsonRefreshKey,
            maximumBodySize: maximumBodySize,
            realm: realm,
            userLoader: userLoader,
            errorHandlers: errorHandlers,
            implicitRefresh: implicitRefresh,
            metricsFactory: metricsFactory
        )
    }
}
