public import JWTAuth
public import Metrics

extension JWTManager {
    /// A manager that issues and verifies with `key` under one `configuration`: the ``issuer``, the
    /// ``verifier`` and the manager built together, so that their settings cannot disagree.
    ///
    /// CSRF double submit is switched on in one place, `options.cookies.csrfProtection` (on by default): when
    /// `.cookies` is one of `options.locations` and it is on, tokens carry the `csrf` claim the middleware checks,
    /// whatever ``JWTAuth/TokenConfiguration/includesCSRFClaim`` says. A private key verifies with its public key,
    /// an HMAC key with itself. With `encryptionKey` (a private or symmetric key), every token is a nested JWT
    /// encrypted to it, and only such tokens are accepted. The other parameters are those of ``JWTAuth/TokenIssuer``,
    /// ``JWTAuth/TokenVerifier`` and ``init(verifier:issuer:options:metricsFactory:keySource:)``.
    /// - Throws: `invalid_key` when `key` cannot sign or `encryptionKey` cannot decrypt (public keys),
    ///   `invalid_configuration` for bad settings.
    public init(
        key: JWTKey,
        configuration: TokenConfiguration = TokenConfiguration(),
        claimsProvider: ClaimsProvider? = nil,
        revocationStore: (any RevocationStore)? = nil,
        cache: VerifiedTokenCache? = nil,
        clock: JWTClock = .system,
        encryptionKey: JWEKey? = nil,
        options: Options = Options(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) throws(JWTAuthError) {
        var configuration = configuration
        if options.locations.contains(.cookies), options.cookies.csrfProtection { configuration.includesCSRFClaim = true }
        let issuer = try TokenIssuer(
            key: key,
            configuration: configuration,
            clock: clock,
            claimsProvider: claimsProvider,
            encryptingTo: encryptionKey
        )
        let verifier = try TokenVerifier(
            keys: JWTKeySet([key.publicKey ?? key]),
            configuration: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock,
            decryptingWith: try encryptionKey.map { key throws(JWTAuthError) in try JWEDecrypter(key: key) }
        )
        self.init(verifier: verifier, issuer: issuer, options: options, metricsFactory: metricsFactory)
    }
}
