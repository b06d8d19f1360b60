/// Where a verifier gets keys that change while it runs: a remote JWKS, or a key directory that is rotated.
public protocol JWTKeySource: Sendable {
    /// The keys to verify a token whose header names `keyID` with (nil: the token has no `kid`).
    ///
    /// A source may fetch here, for instance when `keyID` is unknown; it returns its current keys whether or not
    /// they hold `keyID` (the verifier then refuses the token).
    /// - Throws: `unavailable` when the source has no keys to offer (fail closed).
    func verificationKeys(for keyID: String?) async throws(JWTAuthError) -> JWTKeySnapshot

    /// What ``verificationKeys(for:)`` would return for the token's `kid` right now, when the source can tell without
    /// waiting (nothing to fetch or look at first); nil otherwise, and the verifier then calls
    /// ``verificationKeys(for:)``.
    ///
    /// `keyID` reads the token's `kid` (nil: it has none, or its header cannot be read). Call it only when the
    /// answer depends on it: it parses the token's header, and decrypts a nested token. A request whose keys are at
    /// hand is then checked without suspending. The default is nil: always wait.
    func verificationKeysImmediately(for keyID: () -> String?) -> JWTKeySnapshot?
}

extension JWTKeySource {
    public func verificationKeysImmediately(for keyID: () -> String?) -> JWTKeySnapshot? { nil }
}

/// One version of a ``JWTKeySource``'s keys.
public struct JWTKeySnapshot: Sendable {
    /// The keys.
    public let keys: JWTKeySet
    /// Changes whenever ``keys`` or ``signingKey`` do, so that what was built from them can be reused until then.
    public let generation: UInt64
    /// The key to sign new tokens with, from a source that holds the issuer's own keys (a ``JWTSigningKeySource``);
    /// nil from a source that only verifies (a remote JWKS), or when the source holds no private key.
    public let signingKey: JWTKey?

    public init(keys: JWTKeySet, generation: UInt64, signingKey: JWTKey? = nil) {
        self.keys = keys
        self.generation = generation
        self.signingKey = signingKey
    }
}
