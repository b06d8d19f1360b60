import JWTAuth
import JWTAuthPostgres
import JWTAuthSQLite
import ServiceLifecycle

/// A database the service keeps its records in (users, sessions, revocations, the installation's secrets),
/// with what the service needs around it: a health check, a copy of the live revocations to refill Redis,
/// its background work, and closing.
protocol ServiceDatabase: UserStore, SessionStore, RevocationStore, InstallationSecretStore {
    /// Throws when the database does not answer.
    func ping() async throws
    /// The live revocations, to refill a Redis blocklist that came back empty.
    func revocationSnapshot() async throws -> RevocationSnapshot
    /// Its background work (purges), run by the service group, which closes the database when it ends.
    var service: any Service { get }
    /// Closes the database, for a process that runs no service group (the command line).
    func close() async throws
}

extension SQLiteStore: ServiceDatabase {
    func ping() async throws { _ = try await user(id: "0") }
    var service: any Service { SQLiteStoreService(store: self) }
}

extension PostgresStore: ServiceDatabase {
    var service: any Service { PostgresStoreService(store: self) }
}
