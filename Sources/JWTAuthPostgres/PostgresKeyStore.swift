public import JWTAuth

/// Signing keys in PostgreSQL (`jwt_auth_signing_keys`), shared by every instance on the database: the
/// ``KeyStore`` for a ``RotatingKeySource`` when several instances sign tokens.
///
/// Generated keys are stored as private-key PEM: the database then holds secrets, and access to it must be
/// restricted as to the keys themselves. A key added as a public half stays public.
public struct PostgresKeyStore: KeyStore {
    /// The database.
    public let store: PostgresStore
    public let location: String

    /// The keys in `store`'s database; `location` names it in messages (never with a password).
    public init(store: PostgresStore, location: String = "the PostgreSQL database") {
        self.store = store
        self.location = location
    }

    public func prepare() async throws {}

    /// The database's version counter of the keys.
    public func changeMarker() async throws -> String {
        String(try await store.signingKeysVersion())
    }

    public func read(now: Double) async throws -> KeyStoreContents {
        try await store.deleteRetiredSigningKeys(now: now)
        var contents = KeyStoreContents()
        for row in try await store.signingKeys() {
            let key = try key(of: row)
            guard key.thumbprint == row.keyID else {
                throw JWTAuthError.invalidKey("the key \(row.keyID) in \(location) is not the key its kid says")
            }
            if row.isCurrent {
                contents.currentKeyID = row.keyID
            } else {
                contents.retirements[row.keyID] = row.retireAt
            }
            contents.keys.append(key.withKeyID(row.keyID))
        }
        return contents
    }

    public func stampRetirements(at time: Double) async throws {
        try await store.stampSigningKeyRetirements(at: time.rounded(.up))
    }

    public func add(_ key: JWTKey) async throws {
        try await store.addSigningKey(keyID: key.thumbprint, pem: try storedText(of: key), makeCurrent: false)
    }

    public func makeCurrent(_ keyID: String) async throws {
        guard try await store.makeSigningKeyCurrent(keyID) else { throw JWTAuthError.invalidKey("no key \(keyID) in \(location)") }
    }

    public func rotate(algorithm: SigningAlgorithm) async throws -> JWTKey {
        let generated = try JWTKey.generate(algorithm)
        try await store.addSigningKey(keyID: generated.thumbprint, pem: try storedText(of: generated), makeCurrent: true)
        return generated.withKeyID(generated.thumbprint)
    }

    /// Keeps or makes the current key in one transaction, so that instances starting at once agree on one key.
    public func currentOrNewSigningKey(algorithm: SigningAlgorithm, now: Double) async throws -> JWTKey {
        let current = try await store.ensureCurrentSigningKey(
            keep: { row in
                guard let key = try? key(of: row) else { return false }
                return key.algorithm == algorithm && key.canSign && key.thumbprint == row.keyID
            },
            make: {
                let generated = try JWTKey.generate(algorithm)
                return (generated.thumbprint, try storedText(of: generated))
            }
        )
        return try key(of: current).withKeyID(current.keyID)
    }

    public func retire(_ keyID: String) async throws {
        let rows = try await store.signingKeys()
        guard let row = rows.first(where: { $0.keyID == keyID }) else { throw JWTAuthError.invalidKey("no key \(keyID) in \(location)") }
        guard !row.isCurrent, try await store.deleteSigningKey(keyID) else {
            throw JWTAuthError.invalidKey("\(keyID) is the current signing key: rotate first (jwt-auth keys rotate), then retire it")
        }
    }

    /// The text stored for `key`. - Throws: for an HMAC key, which is never stored.
    private func storedText(of key: JWTKey) throws(JWTAuthError) -> String {
        guard let text = key.storedText else { throw .invalidKey("HMAC keys are not kept in \(location)") }
        return text
    }

    /// The key a row holds, without its `kid`.
    private func key(of row: StoredSigningKey) throws(JWTAuthError) -> JWTKey {
        guard let key = try? JWTKey(storedText: row.pem) else { throw .invalidKey("cannot read the key \(row.keyID) in \(location)") }
        return key
    }
}
