/// Checks the tokens a ``TokenIssuer`` made: signature, claims, token type, freshness, then revocation.
///
/// `decode_token` and `@jwt_required` in one: ``verify(_:as:requireFresh:)`` is what a protected route calls.
///
/// With a ``decrypter``, only nested JWTs are accepted (RFC 7519 §5.2: a signed token encrypted with
/// `cty: "JWT"`): a plain signed token is refused, so no one can downgrade to a token whose claims are readable.
public struct TokenVerifier: Sendable {
    public let configuration: TokenConfiguration
    public let decoder: JWTDecoder
    /// Consulted last, for every token. Defaults to none.
    public let revocationStore: (any RevocationStore)?
    /// Verified asymmetric tokens. Defaults to none.
    public let cache: VerifiedTokenCache?
    public let clock: JWTClock
    /// Decrypts nested tokens before their signature is checked; nil for plain signed tokens. Defaults to none.
    public let decrypter: JWEDecrypter?
    /// The record of sessions that refresh tokens are checked against (``checkingSessions(in:)``). Defaults to none.
    public private(set) var sessionStore: (any SessionStore)?
    /// For each key of the set, what names it in the cache: its algorithm and RFC 7638 thumbprint.
    private let cacheKeyNames: [String]
    /// ``revocationStore`` when it answers without suspending: cast once here, not on every request.
    package let synchronousRevocationStore: (any SynchronousRevocationStore)?

    /// A verifier for tokens signed by `keys`.
    /// - Throws: `invalid_configuration` for bad settings or an empty key set.
    public init(
        keys: JWTKeySet,
        configuration: TokenConfiguration = TokenConfiguration(),
        revocationStore: (any RevocationStore)? = nil,
        cache: VerifiedTokenCache? = nil,
        clock: JWTClock = .system,
        decryptingWith decrypter: JWEDecrypter? = nil
    ) throws(JWTAuthError) {
        guard !keys.keys.isEmpty else {
            try configuration.validate()
            throw .invalidConfiguration("No verification key")
        }
        try self.init(
            checking: keys,
            configuration: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock,
            decrypter: decrypter
        )
    }

    /// A verifier for `keys`, which may be empty (then every token is refused).
    init(
        checking keys: JWTKeySet,
        configuration: TokenConfiguration,
        revocationStore: (any RevocationStore)?,
        cache: VerifiedTokenCache?,
        clock: JWTClock,
        decrypter: JWEDecrypter?
    ) throws(JWTAuthError) {
        try configuration.validate()
        self.configuration = configuration
        self.decoder = JWTDecoder(
            keys: keys,
            allowedAlgorithms: configuration.allowedAlgorithms,
            maximumTokenSize: configuration.maximumTokenSize,
            validation: configuration.claimsValidation
        )
        self.revocationStore = revocationStore
        self.synchronousRevocationStore = revocationStore as? any SynchronousRevocationStore
        self.cache = cache
        self.clock = clock
        self.decrypter = decrypter
        // A nested token's entry also names the keys that decrypted it, so that a verifier sharing the cache with
        // other decryption keys, or with none, never takes an entry for a token it could not have accepted.
        let decryption = decrypter.map { " decrypted by " + $0.keys.map(\.thumbprint).joined(separator: ",") } ?? ""
        self.cacheKeyNames =
            cache == nil
            ? [] : keys.keys.map { Self.isCached($0.algorithm, decrypting: decrypter != nil) ? "\($0.algorithm) \($0.thumbprint)\(decryption)" : "" }
    }

    /// Verifies `token` for use as `type` (nil: either type), fresh if `requireFresh`, and not revoked.
    /// - Throws: the `JWTAuthError` of the first failed check; `unavailable` when the revocation store
    ///   cannot answer (fail closed).
    public func verify(_ token: String, as type: TokenType? = .access, requireFresh: Bool = false) async throws(JWTAuthError) -> VerifiedToken {
        let verified = try decode(token, as: type, requireFresh: requireFresh)
        try await checkRevocation(verified)
        return verified
    }

    /// Everything ``verify(_:as:requireFresh:)`` checks except revocation.
    public func decode(_ token: String, as type: TokenType? = nil, requireFresh: Bool = false) throws(JWTAuthError) -> VerifiedToken {
        try decode(token, signed: nil, as: type, requireFresh: requireFresh)
    }

    /// ``decode(_:as:requireFresh:)`` of `token`, whose signed token (``signedToken(of:)``) is `signed` when already
    /// known, so that a nested token is decrypted once.
    package func decode(_ token: String, signed: String?, as type: TokenType?, requireFresh: Bool) throws(JWTAuthError) -> VerifiedToken {
        let now = clock.now
        let verified: VerifiedToken
        if let cache, token.utf8.count <= decoder.maximumTokenSize, let hit = cache.entry(for: token, now: now),
            let name = hit.verifiedBy, name == cacheKeyName(for: hit.verified.header)
        {
            try decoder.validation.validate(hit.verified.claims, now: now)
            verified = hit.verified
        } else {
            if let signed {
                verified = try decoder.decode(signed, now: now)
            } else if let decrypter {
                // The signed token is read from the decrypted bytes in place: no string is made of it.
                verified = try decrypter.decryptNested(token) { bytes throws(JWTAuthError) in try decoder.decode(bytes, now: now) }
            } else {
                verified = try decoder.decode(token, now: now)
            }
            if let cache, let name = cacheKeyName(for: verified.header) {
                cache.insert(token, VerifiedTokenCache.Entry(verified: verified, verifiedBy: name))
            }
        }
        try Self.check(verified.claims, type: type, requireFresh: requireFresh, now: now)
        return verified
    }

    /// Everything ``decode(_:as:requireFresh:)`` checks, except, when `allowExpired`, that `exp` has passed:
    /// `decode_token(…, allow_expired=True)`, e.g. to read who an expired token was for.
    ///
    /// The signature, `nbf`, `iat`, `iss`, `aud`, the required claims (`exp` among them, still a valid
    /// NumericDate), the type and freshness are all checked; revocation is not (see ``checkRevocation(_:)``).
    /// Never protect a route with this.
    public func decode(
        _ token: String,
        as type: TokenType? = nil,
        requireFresh: Bool = false,
        allowExpired: Bool
    ) throws(JWTAuthError) -> VerifiedToken {
        guard allowExpired else { return try decode(token, as: type, requireFresh: requireFresh) }
        var decoder = self.decoder
        decoder.validation.acceptsExpired = true
        let now = clock.now
        let verified = try decoder.decode(signedToken(token), now: now)
        try Self.check(verified.claims, type: type, requireFresh: requireFresh, now: now)
        return verified
    }

    /// The header of the signed token inside `token` (decrypted first with a ``decrypter``), whose `kid` names the
    /// key that verifies it. - Throws: `invalid_token`.
    package func signedHeader(of token: String) throws(JWTAuthError) -> JWSHeader {
        try signedToken(of: token).header
    }

    /// The signed token inside `token` (`token` itself without a ``decrypter``) and its header.
    /// - Throws: `invalid_token`.
    package func signedToken(of token: String) throws(JWTAuthError) -> (header: JWSHeader, token: String) {
        let signed = try signedToken(token)
        return (try decoder.header(of: signed), signed)
    }

    /// The signed token inside `token`: `token` itself without a ``decrypter``; else its decrypted plaintext,
    /// which must be a nested JWT (`cty: "JWT"`).
    /// - Throws: `invalid_token` for a plain signed token when a decrypter is set, or any decryption failure.
    private func signedToken(_ token: String) throws(JWTAuthError) -> String {
        guard let decrypter else { return token }
        return try decrypter.decryptNested(token)
    }

    /// Whether tokens signed with `algorithm` are worth caching: an asymmetric signature costs far more than a
    /// lookup, and so does a nested token's decryption, whatever signs inside it; a plain HMAC check does not.
    static func isCached(_ algorithm: SigningAlgorithm, decrypting: Bool) -> Bool {
        algorithm.isAsymmetric || decrypting
    }

    /// The cache name of the key this verifier checks a token with this header with; nil when there is none or
    /// the token is not worth caching (``isCached(_:decrypting:)``).
    private func cacheKeyName(for header: JWSHeader) -> String? {
        guard let name = header.algorithm, let algorithm = SigningAlgorithm(name: name), Self.isCached(algorithm, decrypting: decrypter != nil),
            decoder.allowedAlgorithms.contains(algorithm), let index = try? decoder.keys.index(for: header),
            decoder.keys.keys[index].algorithm == algorithm
        else { return nil }
        return cacheKeyNames[index]
    }

    /// This verifier, checking refresh tokens against `store` as well: a refresh token whose session (`sid`) is not
    /// live there is revoked. Give the session store of the auth routes: a session's revocation in the revocation
    /// store lasts only as long as its access tokens, so a refresh token used without rotation (implicit refresh from
    /// the refresh cookie, introspection) is checked against the record of sessions.
    public func checkingSessions(in store: (any SessionStore)?) -> TokenVerifier {
        var verifier = self
        verifier.sessionStore = store
        return verifier
    }

    /// Consults the revocation store, and for a refresh token the session store. - Throws: `token_revoked`, or
    /// `unavailable` when a store fails.
    public func checkRevocation(_ verified: VerifiedToken) async throws(JWTAuthError) {
        if let revocationStore {
            guard let query = RevocationQuery(verified.claims) else { throw .invalidToken("Token is missing the \"jti\" claim") }
            let revoked: Bool
            do {
                revoked = try await revocationStore.isRevoked(query)
            } catch {
                throw .unavailable("The revocation store is unavailable")
            }
            if revoked { throw .tokenRevoked }
        }
        if let sessionStore, verified.claims.tokenType == .refresh, let sid = verified.claims.sessionID {
            let live: Bool
            do {
                live = try await sessionStore.session(sid) != nil
            } catch {
                throw .unavailable("The session store is unavailable")
            }
            if !live { throw .tokenRevoked }
        }
    }

    static func check(_ claims: JWTClaims, type: TokenType?, requireFresh: Bool, now: Double) throws(JWTAuthError) {
        if let type {
            guard let actual = claims.tokenType else { throw .invalidToken("Token is missing the \"type\" claim") }
            guard actual == .access || actual == .refresh else { throw .invalidToken("Invalid token type") }
            if actual != type { throw type == .refresh ? .refreshRequired : .accessRequired }
        }
        if requireFresh, !claims.freshness.isFresh(at: now) { throw .freshTokenRequired }
    }
}
