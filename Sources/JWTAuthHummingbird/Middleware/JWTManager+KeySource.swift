public import JWTAuth
import JWTAuthService
public import Metrics

extension JWTManager {
    /// A manager whose keys all come from `keySource` (a remote JWKS, a rotated key directory): no key of its
    /// own is needed.
    ///
    /// Each token is verified with the source's keys for its `kid`, under `configuration`, `revocationStore`,
    /// `cache` and `clock`; with `decrypter`, tokens are nested JWTs, decrypted first. ``verifier`` holds no key
    /// and refuses every token: outside the middleware, verify with ``verifier(for:)``. The other parameters are
    /// those of ``init(verifier:issuer:options:metricsFactory:keySource:)``.
    /// - Throws: `invalid_configuration` for bad settings.
    public init(
        keySource: any JWTKeySource,
        configuration: TokenConfiguration = TokenConfiguration(),
        revocationStore: (any RevocationStore)? = nil,
        cache: VerifiedTokenCache? = nil,
        clock: JWTClock = .system,
        decrypter: JWEDecrypter? = nil,
        issuer: TokenIssuer? = nil,
        options: Options = Options(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) throws(JWTAuthError) {
        let verifier = try TokenVerifier(
            awaitingKeys: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock,
            decrypter: decrypter
        )
        self.init(verifier: verifier, issuer: issuer, options: options, metricsFactory: metricsFactory, keySource: keySource)
    }

    /// The verifier for `token`: ``verifier`` itself, or with a ``keySource``, ``verifier`` with the keys the
    /// source offers for the token's `kid` (rebuilt only when the source's generation changes).
    /// - Throws: `invalid_token` for a token whose header cannot be read, `unavailable` when the source has no keys.
    public func verifier(for token: String) async throws(JWTAuthError) -> TokenVerifier {
        try await sourcedVerifier.verifier(for: token, source: keySource, base: verifier)
    }

    /// The issuer to sign with now: `base` itself, or with a ``keySource`` that is a ``JWTAuth/JWTSigningKeySource``
    /// offering a signing key, `base` with that key (its configuration, clock, claims provider and encryption kept;
    /// rebuilt only when the source's generation changes). A rotation thus takes effect without a restart.
    /// - Throws: `unavailable` when the source has no keys.
    public func issuer(basedOn base: TokenIssuer) async throws(JWTAuthError) -> TokenIssuer {
        try await sourcedIssuer.issuer(basedOn: base, source: keySource)
    }

    /// ``issuer`` as ``issuer(basedOn:)`` gives it; nil without an issuer.
    public func currentIssuer() async throws(JWTAuthError) -> TokenIssuer? {
        guard let issuer else { return nil }
        return try await self.issuer(basedOn: issuer)
    }
}
