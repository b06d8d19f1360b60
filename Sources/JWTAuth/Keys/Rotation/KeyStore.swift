/// Where rotated signing keys are kept: a ``KeyDirectory`` on disk, or a database shared by several
/// instances (`PostgresKeyStore` in JWTAuthPostgres). A ``RotatingKeySource`` reads it while the
/// application runs.
///
/// A store holds keys by `kid` (their RFC 7638 thumbprint), says which one is current (new tokens are signed
/// with it), and when each other key retires (after which it is deleted). A store's own failures are
/// ``JWTAuthError``s: `invalid_key` for a key that cannot be used (unreadable, unknown, current when it should
/// not be), `unavailable` for a store that cannot be read or written. Messages name the store, never a key's
/// material.
public protocol KeyStore: Sendable {
    /// Where the keys are (a directory, a database without its password), for messages.
    var location: String { get }
    /// Creates what the store needs, such as its directory.
    func prepare() async throws
    /// A value that changes whenever the keys do; cheap to read (a modification time, a version counter).
    func changeMarker() async throws -> String
    /// The keys still verifying at `now` (Unix time); keys whose retirement time has passed are deleted.
    func read(now: Double) async throws -> KeyStoreContents
    /// Stamps every key that is neither current nor stamped yet with the retirement time `time`.
    func stampRetirements(at time: Double) async throws
    /// Adds `key` unless present: a private key, or only a public half when the private key is kept elsewhere.
    func add(_ key: JWTKey) async throws
    /// Makes `keyID`, which must be present, the signing key.
    func makeCurrent(_ keyID: String) async throws
    /// Generates a new key of `algorithm`, stores it and makes it current; returns it, with its `kid`.
    func rotate(algorithm: SigningAlgorithm) async throws -> JWTKey
    /// Deletes `keyID` at once, so that its tokens are refused; the current key cannot be retired.
    func retire(_ keyID: String) async throws
    /// The current key when it is a private key of `algorithm`; otherwise a new one, stored and made current. A
    /// store shared by several instances does this atomically, so that instances starting at once on an empty
    /// store end up with one key.
    func currentOrNewSigningKey(algorithm: SigningAlgorithm, now: Double) async throws -> JWTKey
}

extension KeyStore {
    public func currentOrNewSigningKey(algorithm: SigningAlgorithm, now: Double) async throws -> JWTKey {
        let contents = try await read(now: now)
        if let current = contents.signingKey, current.algorithm == algorithm {
            return current
        }
        return try await rotate(algorithm: algorithm)
    }
}
