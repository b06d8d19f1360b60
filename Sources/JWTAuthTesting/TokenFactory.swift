public import JWTAuth

/// Makes keys, issuers and verifiers that agree with each other, for tests.
public struct TokenFactory: Sendable {
    public let key: JWTKey
    public let clock: SettableClock
    public let configuration: TokenConfiguration
    public let issuer: TokenIssuer

    /// A factory signing with a new key for `algorithm` (HS256 by default), on a settable clock.
    public init(
        algorithm: SigningAlgorithm = .hs256,
        configuration: TokenConfiguration = TokenConfiguration(),
        clock: SettableClock = SettableClock(),
        claimsProvider: ClaimsProvider? = nil
    ) throws {
        var key = try JWTKey.generate(algorithm)
        if algorithm.isAsymmetric { key = key.withKeyID(key.thumbprint) }
        try self.init(key: key, configuration: configuration, clock: clock, claimsProvider: claimsProvider)
    }

    /// A factory signing with `key`.
    public init(
        key: JWTKey,
        configuration: TokenConfiguration = TokenConfiguration(),
        clock: SettableClock = SettableClock(),
        claimsProvider: ClaimsProvider? = nil
    ) throws {
        self.key = key
        self.clock = clock
        self.configuration = configuration
        self.issuer = try TokenIssuer(key: key, configuration: configuration, clock: clock.clock, claimsProvider: claimsProvider)
    }

    /// The keys a verifier needs: the public key, or the secret for HMAC.
    public var verificationKeys: JWTKeySet {
        get throws { try JWTKeySet([key.publicKey ?? key]) }
    }

    /// A verifier for this factory's tokens.
    public func verifier(revocationStore: (any RevocationStore)? = nil, cache: VerifiedTokenCache? = nil) throws -> TokenVerifier {
        try TokenVerifier(
            keys: verificationKeys,
            configuration: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock.clock
        )
    }

    /// A token signed by this factory's key with exactly `claims` (for hostile and edge cases).
    public func token(claims: [String: JSONValue]) throws -> String {
        try issuer.sign(claims: JWTClaims(members: claims))
    }

    /// A token with the usual claims of a `type` token for `subject` at the clock's time, plus `extra`.
    public func token(_ type: TokenType = .access, subject: String = "42", extra: [String: JSONValue] = [:]) throws -> String {
        type == .refresh
            ? try issuer.refreshToken(for: subject, claims: extra).token
            : try issuer.accessToken(for: subject, claims: extra).token
    }
}
