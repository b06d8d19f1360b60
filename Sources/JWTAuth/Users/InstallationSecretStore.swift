/// A store that keeps secrets of the installation: random keys made once and shared by every instance
/// on the store, such as the key of the keyed hashes that stand for usernames in logs (``LogPseudonym``).
///
/// Conformed to by `MemoryUserStore` (per process) and the SQLite and PostgreSQL stores (in the database,
/// where they outlive restarts).
public protocol InstallationSecretStore: Sendable {
    /// The secret called `name`: 32 random bytes, made on first use and the same ever after, for every
    /// caller and instance on the store. Of concurrent first calls, one secret is kept and all return it.
    /// - Throws: an error that is not a `JWTAuthError` when the store cannot answer.
    func installationSecret(named name: String) async throws -> [UInt8]
    /// Records `value` (32 bytes) under `name` and returns the value recorded before, nil the first time, in one
    /// atomic step for every caller and instance on the store: how an installation notices that a setting changed
    /// between two starts. Names are shared with ``installationSecret(named:)``: use each name for one purpose.
    /// - Throws: an error that is not a `JWTAuthError` when the store cannot answer.
    func exchangeInstallationValue(named name: String, with value: [UInt8]) async throws -> [UInt8]?
}

extension InstallationSecretStore {
    /// 32 bytes from the system's cryptographically secure generator (`SystemRandomNumberGenerator`), for a
    /// new secret.
    public static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
