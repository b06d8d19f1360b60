/// Verifies a JWS compact token against a key set and checks its claims: PyJWT's `jwt.decode`.
///
/// The order is fixed: size, segments, header, `alg` allowed and matching the key, `crit`, signature,
/// then the claims of ``ClaimsValidation``.
public struct JWTDecoder: Sendable {
    /// The keys tokens are verified with.
    public var keys: JWTKeySet {
        didSet { knownHeaders = Self.knownHeaders(keys) }
    }
    /// The algorithms accepted; `none` can never be one.
    public var allowedAlgorithms: Set<SigningAlgorithm>
    /// The largest token accepted, in bytes. Defaults to 8 KiB.
    public var maximumTokenSize: Int
    /// The claim checks.
    public var validation: ClaimsValidation
    /// The header a ``TokenIssuer`` writes for each key, already parsed: a token that carries one of
    /// them byte for byte is not parsed again, since the same bytes parse to the same header.
    private var knownHeaders: [UnverifiedToken.KnownHeader]

    /// A decoder; `allowedAlgorithms` defaults to the algorithms of `keys`.
    public init(
        keys: JWTKeySet,
        allowedAlgorithms: Set<SigningAlgorithm>? = nil,
        maximumTokenSize: Int = UnverifiedToken.defaultMaximumSize,
        validation: ClaimsValidation = ClaimsValidation()
    ) {
        self.keys = keys
        self.allowedAlgorithms = allowedAlgorithms ?? keys.algorithms
        self.maximumTokenSize = maximumTokenSize
        self.validation = validation
        self.knownHeaders = Self.knownHeaders(keys)
    }

    /// Verifies the signature of `token` and checks its claims at time `now`.
    /// - Throws: `invalid_token`, `token_expired`.
    public func decode(_ token: String, now: Double) throws(JWTAuthError) -> VerifiedToken {
        let verified = try verifySignature(UnverifiedToken(token, maximumSize: maximumTokenSize, knownHeaders: knownHeaders))
        try validation.validate(verified.claims, now: now)
        return verified
    }

    /// ``decode(_:now:)`` of a token's bytes, e.g. the plaintext of a nested JWT.
    package func decode(_ bytes: UnsafeRawBufferPointer, now: Double) throws(JWTAuthError) -> VerifiedToken {
        let verified = try verifySignature(UnverifiedToken(bytes, maximumSize: maximumTokenSize, knownHeaders: knownHeaders))
        try validation.validate(verified.claims, now: now)
        return verified
    }

    /// Checks `alg` and the signature of a parsed token and reads its claims; no claim is checked.
    public func verifySignature(_ token: UnverifiedToken) throws(JWTAuthError) -> VerifiedToken {
        try checkSignature(token)
        return VerifiedToken(header: token.header, claims: try token.claims())
    }

    /// Checks `alg` and the signature of a parsed JWS whose payload need not be a claims set (RFC 7515);
    /// returns the payload bytes.
    public func verifyPayload(_ token: UnverifiedToken) throws(JWTAuthError) -> [UInt8] {
        try checkSignature(token)
        guard let payload = token.payload else { throw .invalidToken("Invalid payload padding") }
        return payload
    }

    private func checkSignature(_ token: UnverifiedToken) throws(JWTAuthError) {
        guard let name = token.header.algorithm, let algorithm = SigningAlgorithm(name: name), allowedAlgorithms.contains(algorithm) else {
            throw .invalidToken("The specified alg value is not allowed")
        }
        let key = try keys.key(for: token.header)
        guard key.algorithm == algorithm else { throw .invalidToken("The specified alg value does not match the key") }
        guard key.verify(token.signature, for: token.signingInput) else { throw .invalidToken("Signature verification failed") }
    }

    /// At most 16, so that looking a header up stays cheaper than parsing it.
    private static func knownHeaders(_ keys: JWTKeySet) -> [UnverifiedToken.KnownHeader] {
        keys.keys.prefix(16).compactMap { key in
            let segment = TokenIssuer.header(for: key)
            let header = try? segment.withUnsafeBytes { bytes throws(JWTAuthError) in try UnverifiedToken.header(bytes) }
            return header.map { UnverifiedToken.KnownHeader(segment: segment, header: $0) }
        }
    }
}
