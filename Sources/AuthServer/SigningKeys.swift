import Foundation
public import JWTAuth

/// The service's keys: the one it signs with, and every key whose tokens it still accepts.
///
/// With no secret, keys live in a ``KeyStore``: a ``KeyDirectory`` (`<data dir>/keys/`), or with a
/// PostgreSQL database the database (`PostgresKeyStore`), shared by every instance. Without a key file the
/// first start generates one, every later start reuses the current one, and `jwt-auth keys rotate` makes a new
/// one current, which a running service signs with within a second (``RotatingKeySource``). With a key file its
/// public half is kept there, so that the previous file's key keeps verifying after the file changes.
public struct SigningKeys: Sendable {
    /// Signs new tokens.
    public let signingKey: JWTKey
    /// Verifies tokens: the public halves (or the HMAC secret), as of start-up.
    public let verificationKeys: JWTKeySet
    /// The key store, re-read while the service runs (its current key signs); nil with an HMAC secret.
    public let source: RotatingKeySource?
    /// The `kid` of the signing key this start generated (the first start, or a changed `ALGORITHM`); nil
    /// when it signs with a key it found.
    package private(set) var generatedKeyID: String?
    /// The algorithm of the key that the generated one replaced as the signing key (a changed `ALGORITHM`); nil
    /// on a first start, or when no key was generated.
    package private(set) var replacedAlgorithm: SigningAlgorithm?

    public init(signingKey: JWTKey, verificationKeys: JWTKeySet, source: RotatingKeySource? = nil) {
        self.signingKey = signingKey
        self.verificationKeys = verificationKeys
        self.source = source
    }

    /// How often a running service looks at its key store (``RotatingKeySource``).
    public static let recheckInterval: Duration = .seconds(1)

    /// Loads or creates the keys `configuration` asks for; without a secret, in `store` (by default the data
    /// directory's ``KeyDirectory``).
    /// - Throws: ``ConfigurationError`` naming the setting at fault.
    public static func load(
        _ configuration: AuthServerConfiguration,
        store: (any KeyStore)? = nil,
        clock: JWTClock = .system
    ) async throws(ConfigurationError) -> SigningKeys {
        let store = store ?? KeyDirectory(dataDirectory: configuration.dataDirectory)
        if let secret = configuration.secret {
            let key: JWTKey
            do {
                key = try JWTKey.hmac(secret: secret, algorithm: configuration.algorithm ?? .hs256, allowWeakSecret: configuration.allowWeakSecret)
            } catch {
                throw ConfigurationError(setting: "JWT_AUTH_SECRET", message: secretAdvice(error, secret: secret, configuration))
            }
            return try make(key, setting: "JWT_AUTH_SECRET")
        }
        if let path = configuration.keyFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(setting: "JWT_AUTH_KEY_FILE", message: "cannot read \(path)")
            }
            let key: JWTKey
            do {
                key = try Self.parse(text, algorithm: configuration.algorithm, allowWeakSecret: configuration.allowWeakSecret)
            } catch {
                throw ConfigurationError(setting: "JWT_AUTH_KEY_FILE", message: error.message)
            }
            guard key.canSign else {
                throw ConfigurationError(setting: "JWT_AUTH_KEY_FILE", message: "the key is a public key; a private key is needed to sign")
            }
            // The directory names keys by thumbprint: a key file whose JWK carries another kid keeps it, and
            // the previous file's key is not kept.
            guard key.algorithm.isAsymmetric, key.keyID == nil || key.keyID == key.thumbprint else {
                return try make(key, setting: "JWT_AUTH_KEY_FILE")
            }
            return try await stored(configuration, in: store, signing: key.withKeyID(key.thumbprint), setting: "JWT_AUTH_KEY_FILE", clock: clock)
        }
        return try await stored(configuration, in: store, signing: nil, setting: setting(of: store), clock: clock)
    }

    /// Why `secret` is refused, with the setting that helps: JWT_AUTH_ALLOW_WEAK_SECRET only when shortness is
    /// the one fault, JWT_AUTH_KEY_FILE when the value is an asymmetric key, which no setting makes a secret.
    private static func secretAdvice(_ error: JWTAuthError, secret: String, _ configuration: AuthServerConfiguration) -> String {
        let algorithm = configuration.algorithm ?? .hs256
        if !configuration.allowWeakSecret, (try? JWTKey.hmac(secret: secret, algorithm: algorithm, allowWeakSecret: true)) != nil {
            return error.message + " (set JWT_AUTH_ALLOW_WEAK_SECRET=true to allow a short secret)"
        }
        if secret.contains("-----BEGIN") || (try? parse(secret, algorithm: nil, allowWeakSecret: true))?.algorithm.isAsymmetric == true {
            return "the value looks like an asymmetric key (PEM or JWK), not an HMAC secret: put the key in a file and give its path in "
                + "JWT_AUTH_KEY_FILE instead"
        }
        return error.message
    }

    /// A key from PEM or JWK text.
    static func parse(_ text: String, algorithm: SigningAlgorithm?, allowWeakSecret: Bool) throws(JWTAuthError) -> JWTKey {
        if text.drop(while: \.isWhitespace).hasPrefix("{") {
            return try JWTKey(jwk: text, algorithm: algorithm, allowWeakSecret: allowWeakSecret)
        }
        return try JWTKey(pem: text, algorithm: algorithm)
    }

    private static func make(_ key: JWTKey, setting: String) throws(ConfigurationError) -> SigningKeys {
        do {
            return SigningKeys(signingKey: key, verificationKeys: try JWTKeySet([key.publicKey ?? key]))
        } catch {
            throw ConfigurationError(setting: setting, message: error.message)
        }
    }

    /// The setting that names `store`, for start-up errors.
    private static func setting(of store: any KeyStore) -> String {
        store is KeyDirectory ? "JWT_AUTH_DATA_DIR" : "JWT_AUTH_DATABASE_URL"
    }

    /// The keys in `store`: `signing` (the key file's key) or the current generated key, generating the first
    /// one (``RotatingKeySource/init(store:signingWith:configuration:clock:recheckInterval:)``). Keys that
    /// stopped being current get their retirement time.
    private static func stored(
        _ configuration: AuthServerConfiguration,
        in store: any KeyStore,
        signing fileKey: JWTKey?,
        setting: String,
        clock: JWTClock
    ) async throws(ConfigurationError) -> SigningKeys {
        func fail(_ message: String) -> ConfigurationError { ConfigurationError(setting: setting, message: message) }
        do {
            try await store.prepare()
        } catch {
            throw fail("cannot create \(store.location)")
        }
        do {
            let source: RotatingKeySource
            let signing: JWTKey
            var generated: String?
            var replaced: SigningAlgorithm?
            if let fileKey {
                // Read first: a store holding a key it cannot read stops the start before anything is written to it.
                let contents = try await store.read(now: clock.now)
                // A changed key file is a rotation: the previous key's public half keeps verifying.
                try await store.add(fileKey.publicKey ?? fileKey)
                if contents.currentKeyID != fileKey.thumbprint { try await store.makeCurrent(fileKey.thumbprint) }
                let delay = RotatingKeySource.retirementDelay(for: configuration.tokens, recheckInterval: recheckInterval)
                source = try await RotatingKeySource(store: store, clock: clock, recheckInterval: recheckInterval, retirementDelay: delay)
                signing = fileKey
            } else {
                let before = try await store.read(now: clock.now)
                source = try await RotatingKeySource(
                    store: store,
                    signingWith: configuration.algorithm ?? .es256,
                    configuration: configuration.tokens,
                    clock: clock,
                    recheckInterval: recheckInterval
                )
                guard let current = source.current.signingKey else { throw JWTAuthError.invalidKey("no signing key in \(store.location)") }
                signing = current
                if current.keyID != before.currentKeyID {
                    generated = current.keyID
                    replaced = before.keys.first { $0.keyID != nil && $0.keyID == before.currentKeyID }?.algorithm
                }
            }
            var keys = SigningKeys(signingKey: signing, verificationKeys: source.current.keys, source: source)
            keys.generatedKeyID = generated
            keys.replacedAlgorithm = replaced
            return keys
        } catch let error as JWTAuthError {
            throw fail(error.message)
        } catch {
            throw fail("cannot write into \(store.location)")
        }
    }
}

extension KeyDirectory {
    /// The service's key directory: `<dataDirectory>/keys`.
    package init(dataDirectory: String) {
        self.init(path: dataDirectory + "/keys")
    }
}
