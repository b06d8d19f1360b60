/// Verifies a JWS compact token against a key set and checks its claims: PyJWT's `jwt.decode`.
///
/// The order is fixed: size, segments, header, `alg` allowed and matching the key, `crit`, signature,
/// then the claims of ``ClaimsValidation``.
public struct JWTDecoder: Sendable {
    /// The keys tokens are verified with.
    public var keys: JWTKeySet {
        get { storage.keys }
        set { storage = Storage(keys: newValue, allowedAlgorithms: allowedAlgorithms, maximumTokenSize: maximumTokenSize, validation: validation) }
    }
    /// The algorithms accepted; `none` can never be one.
    public var allowedAlgorithms: Set<SigningAlgorithm> {
        get { storage.allowedAlgorithms }
        set { storage = Storage(keys: keys, allowedAlgorithms: newValue, maximumTokenSize: maximumTokenSize, validation: validation) }
    }
    /// The largest token accepted, in bytes. Defaults to 8 KiB.
    public var maximumTokenSize: Int {
        get { storage.maximumTokenSize }
        set { storage = Storage(storage, maximumTokenSize: newValue, validation: validation) }
    }
    /// The claim checks.
    public var validation: ClaimsValidation {
        get { storage.validation }
        set { storage = Storage(storage, maximumTokenSize: maximumTokenSize, validation: newValue) }
    }

    /// Every setting in one immutable reference, so that a decoder is copied (into a verifier, a closure, a task)
    /// with one retain rather than one per member; a setter makes a new one.
    private var storage: Storage

    /// A decoder; `allowedAlgorithms` defaults to the algorithms of `keys`.
    public init(
        keys: JWTKeySet,
        allowedAlgorithms: Set<SigningAlgorithm>? = nil,
        maximumTokenSize: Int = UnverifiedToken.defaultMaximumSize,
        validation: ClaimsValidation = ClaimsValidation()
    ) {
        storage = Storage(
            keys: keys,
            allowedAlgorithms: allowedAlgorithms ?? keys.algorithms,
            maximumTokenSize: maximumTokenSize,
            validation: validation
        )
    }

    private final class Storage: Sendable {
        let keys: JWTKeySet
        let allowedAlgorithms: Set<SigningAlgorithm>
        let maximumTokenSize: Int
        let validation: ClaimsValidation
        /// The header a ``TokenIssuer`` writes for each key, already parsed and checked against the keys and
        /// algorithms: a token that carries one of them byte for byte is not parsed or checked again, since the
        /// same bytes parse to the same header.
        let knownHeaders: [UnverifiedToken.KnownHeader]
        /// What checks the signatures of each key of ``keys``, in the same order.
        let signatureChecks: [JWTKey.SignatureCheck]

        init(keys: JWTKeySet, allowedAlgorithms: Set<SigningAlgorithm>, maximumTokenSize: Int, validation: ClaimsValidation) {
            self.keys = keys
            self.signatureChecks = keys.keys.map(\.signatureCheck)
            self.allowedAlgorithms = allowedAlgorithms
            self.maximumTokenSize = maximumTokenSize
            self.validation = validation
            self.knownHeaders = JWTDecoder.knownHeaders(keys, allowedAlgorithms)
        }

        /// `other` with another size limit or validation: the keys, and so the known headers, stay.
        init(_ other: Storage, maximumTokenSize: Int, validation: ClaimsValidation) {
            self.keys = other.keys
            self.signatureChecks = other.signatureChecks
            self.allowedAlgorithms = other.allowedAlgorithms
            self.maximumTokenSize = maximumTokenSize
            self.validation = validation
            self.knownHeaders = other.knownHeaders
        }
    }

    /// Verifies the signature of `token` and checks its claims at time `now`.
    /// - Throws: `invalid_token`, `token_expired`.
    public func decode(_ token: String, now: Double) throws(JWTAuthError) -> VerifiedToken {
        try token.withUTF8Bytes { bytes throws(JWTAuthError) in try decode(bytes, now: now) }
    }

    /// ``decode(_:now:)`` of a token's bytes, e.g. the plaintext of a nested JWT.
    ///
    /// The checks and their order are those of ``verifySignature(_:)`` and ``ClaimsValidation/validate(_:now:)``
    /// on an ``UnverifiedToken``, but the signature is checked and the payload read where they are in `bytes`,
    /// without copying them out first.
    package func decode(_ bytes: UnsafeRawBufferPointer, now: Double) throws(JWTAuthError) -> VerifiedToken {
        let storage = self.storage
        let parts = try UnverifiedToken.Parts(bytes, maximumSize: storage.maximumTokenSize, knownHeaders: storage.knownHeaders)
        try parts.withSignature(of: bytes) { signature throws(JWTAuthError) in
            let index: Int
            if let known = parts.knownKeyIndex {
                index = known
            } else {
                index = try Self.keyIndex(for: parts.header, storage.keys, storage.allowedAlgorithms)
            }
            // The key's check alone: calling the key copied it (a retain and release of each member).
            guard storage.signatureChecks[index].verify(signature, for: parts.signingInput(of: bytes)) else {
                throw .invalidToken("Signature verification failed")
            }
        }
        let (claims, registered) = try UnverifiedToken.claims(parts.payloadSegment(of: bytes))
        try storage.validation.validate(claims, registered, now: now)
        return VerifiedToken(header: parts.header, claims: claims)
    }

    /// The header of `token`, after the checks ``UnverifiedToken/init(_:maximumSize:)`` makes (size, segments, header,
    /// the signature's base64url), without copying the token or decoding more than it must: a header these keys
    /// write is not parsed again.
    /// - Throws: `invalid_token` naming what is wrong.
    package func header(of token: String) throws(JWTAuthError) -> JWSHeader {
        let storage = self.storage
        return try token.withUTF8Bytes { bytes throws(JWTAuthError) in
            let parts = try UnverifiedToken.Parts(bytes, maximumSize: storage.maximumTokenSize, knownHeaders: storage.knownHeaders)
            try parts.withSignature(of: bytes) { _ throws(JWTAuthError) in }
            return parts.header
        }
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

    /// Checks `alg` and the signature.
    private func checkSignature(_ token: UnverifiedToken) throws(JWTAuthError) {
        let index = try keyIndex(for: token.header)
        guard keys.keys[index].verify(token.signature, for: token.signingInput) else { throw .invalidToken("Signature verification failed") }
    }

    /// The position in ``keys`` of the key that verifies a token with `header`, once `alg` is found allowed and to
    /// be that key's algorithm.
    private func keyIndex(for header: JWSHeader) throws(JWTAuthError) -> Int {
        try Self.keyIndex(for: header, keys, allowedAlgorithms)
    }

    private static func keyIndex(for header: JWSHeader, _ keys: JWTKeySet, _ allowedAlgorithms: Set<SigningAlgorithm>) throws(JWTAuthError) -> Int {
        guard let name = header.algorithm, let algorithm = SigningAlgorithm(name: name), allowedAlgorithms.contains(algorithm) else {
            throw .invalidToken("The specified alg value is not allowed")
        }
        let index = try keys.index(for: header)
        guard keys.keys[index].algorithm == algorithm else { throw .invalidToken("The specified alg value does not match the key") }
        return index
    }

    /// At most 16, so that looking a header up stays cheaper than parsing it.
    fileprivate static func knownHeaders(_ keys: JWTKeySet, _ allowedAlgorithms: Set<SigningAlgorithm>) -> [UnverifiedToken.KnownHeader] {
        keys.keys.prefix(16).compactMap { key in
            let segment = TokenIssuer.header(for: key)
            let header = try? segment.withUnsafeBytes { bytes throws(JWTAuthError) in try UnverifiedToken.header(bytes) }
            return header.map { header in
                UnverifiedToken.KnownHeader(segment: segment, header: header, keyIndex: try? keyIndex(for: header, keys, allowedAlgorithms))
            }
        }
    }
}
