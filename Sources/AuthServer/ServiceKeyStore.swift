import Foundation
public import JWTAuth

/// Where the service keeps its signing keys: a ``KeyDirectory`` in the data directory, or the PostgreSQL
/// database (``PostgresKeyStore``) so that every instance agrees.
///
/// A store holds keys by `kid` (their RFC 7638 thumbprint), says which one is current (the service signs with
/// it), and when each other key retires (after which it is deleted). Errors are ``KeyDirectoryError``s whose
/// messages name the store, never a key's material.
public protocol ServiceKeyStore: Sendable {
    /// The directory or the database (without password), for messages.
    var location: String { get }
    /// The setting that names the store, for start-up errors.
    var setting: String { get }
    /// Creates what the store needs (the directory); nothing for the database.
    func prepare() async throws
    /// A value that changes whenever the keys do; cheap to read (a modification time, a version counter).
    func changeMarker() async throws -> String
    /// The keys still verifying at `now`; keys whose retirement time has passed are deleted.
    func read(now: Double) async throws -> KeyDirectory.Contents
    /// Stamps every key that is not current and has no retirement time with `time`.
    func stampRetirements(at time: Double) async throws
    /// Adds `key` unless present: private for a generated key, public for a key file's.
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

extension ServiceKeyStore {
    public func currentOrNewSigningKey(algorithm: SigningAlgorithm, now: Double) async throws -> JWTKey {
        let contents = try await read(now: now)
        if let current = contents.keys.first(where: { $0.keyID == contents.currentKeyID && $0.algorithm == algorithm && $0.canSign }) {
            return current
        }
        return try await rotate(algorithm: algorithm)
    }
}

extension KeyDirectory: ServiceKeyStore {
    public var location: String { path }
    public var setting: String { "JWT_AUTH_DATA_DIR" }
    public func prepare() async throws { try create() }

    public func changeMarker() async throws -> String {
        modificationTime().map { "\($0.timeIntervalSince1970)" } ?? "missing"
    }
}
