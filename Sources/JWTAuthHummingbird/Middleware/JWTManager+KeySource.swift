public import JWTAuth
public import Metrics
import Synchronization

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
        guard let keySource else { return verifier }
        // For a nested token, the kid is the signed token's, inside the encryption.
        let header = try verifier.signedHeader(of: token)
        let snapshot = try await keySource.verificationKeys(for: header.keyID)
        return try sourcedVerifier.verifier(for: snapshot, base: verifier)
    }

    /// The issuer to sign with now: `base` itself, or with a ``keySource`` that is a ``JWTAuth/JWTSigningKeySource``
    /// offering a signing key, `base` with that key (its configuration, clock, claims provider and encryption kept;
    /// rebuilt only when the source's generation changes). A rotation thus takes effect without a restart.
    /// - Throws: `unavailable` when the source has no keys.
    public func issuer(basedOn base: TokenIssuer) async throws(JWTAuthError) -> TokenIssuer {
        guard let source = keySource as? any JWTSigningKeySource else { return base }
        let snapshot = try await source.signingSnapshot()
        guard let key = snapshot.signingKey, key.keyID != base.key.keyID || key.algorithm != base.key.algorithm else { return base }
        return try sourcedIssuer.issuer(for: snapshot, key: key, base: base)
    }

    /// ``issuer`` as ``issuer(basedOn:)`` gives it; nil without an issuer.
    public func currentIssuer() async throws(JWTAuthError) -> TokenIssuer? {
        guard let issuer else { return nil }
        return try await self.issuer(basedOn: issuer)
    }
}

/// The last issuer built from a signing key source's snapshot, shared by the copies of a ``JWTManager``.
final class SourcedIssuer: Sendable {
    private let latest = Mutex<(generation: UInt64, baseKeyID: String?, issuer: TokenIssuer)?>(nil)

    func issuer(for snapshot: JWTKeySnapshot, key: JWTKey, base: TokenIssuer) throws(JWTAuthError) -> TokenIssuer {
        if let cached = latest.withLock({ $0 }), cached.generation == snapshot.generation, cached.baseKeyID == base.key.keyID {
            return cached.issuer
        }
        let made = try TokenIssuer(
            key: key,
            configuration: base.configuration,
            clock: base.clock,
            claimsProvider: base.claimsProvider,
            encryptingTo: base.encryptionKey
        )
        latest.withLock { current in
            if current.map({ $0.generation <= snapshot.generation }) ?? true { current = (snapshot.generation, base.key.keyID, made) }
        }
        return made
    }
}

/// The last verifier built from a key source's snapshot, shared by the copies of a ``JWTManager``.
final class SourcedVerifier: Sendable {
    private let latest = Mutex<(generation: UInt64, verifier: TokenVerifier)?>(nil)

    func verifier(for snapshot: JWTKeySnapshot, base: TokenVerifier) throws(JWTAuthError) -> TokenVerifier {
        if let cached = latest.withLock({ $0 }), cached.generation == snapshot.generation { return cached.verifier }
        let made = try base.replacingKeys(snapshot.keys)
        latest.withLock { current in
            if current.map({ $0.generation < snapshot.generation }) ?? true { current = (snapshot.generation, made) }
        }
        return made
    }
}
