import Foundation
public import JWTAuth
import JWTAuthRedis
import JWTAuthSQLite
import JWTAuthService
import Logging
import ServiceLifecycle

/// The stores of the service, opened from the configuration: the database of record, and where each
/// request's revocation check is answered.
struct ServiceStores: Sendable {
    /// Where revocations are checked on each request.
    enum Blocklist: Sendable {
        /// The database itself.
        case database
        /// This process's memory.
        case memory(MemoryRevocationStore)
        /// Redis in front of the database, through `client`.
        case redis(RedisBlocklist, client: RedisClient)
    }

    let database: any ServiceDatabase
    let blocklist: Blocklist
    /// Where the signing keys live when not in the data directory (PostgreSQL: the database).
    var keyStore: (any KeyStore)? = nil

    var users: any UserStore { database }
    var sessions: any SessionStore { database }
    /// The installation's secrets (the key of the usernames' pseudonyms in logs), in the database.
    var secrets: any InstallationSecretStore { database }

    /// The store each request's revocation check asks.
    var revocations: any RevocationStore {
        switch blocklist {
        case .database: database
        case .memory(let store): store
        case .redis(let store, _): store
        }
    }

    /// Where login or registration attempts are counted: in Redis with a Redis blocklist, so that every
    /// instance shares one count (and an attempt is refused while Redis is down); else in this process.
    func throttler(limit: Int, window: Duration, clock: JWTClock) -> any LoginThrottling {
        if case .redis(_, let client) = blocklist { return RedisLoginThrottler(client: client, limit: limit, window: window) }
        return LoginThrottler(limit: limit, window: window, clock: { clock.now })
    }

    /// Each store's name and a check that throws when it is down.
    var checks: [(name: String, check: @Sendable () async throws -> Void)] {
        let pingDatabase: @Sendable () async throws -> Void = { [database] in try await database.ping() }
        switch blocklist {
        case .database:
            return [("database", pingDatabase)]
        case .memory:
            return [("database", pingDatabase), ("blocklist", { @Sendable in })]
        case .redis(_, let client):
            return [("database", pingDatabase), ("blocklist", { @Sendable in try await client.ping() })]
        }
    }

    /// What the service group runs: the database's background work and, with Redis, its client, each of
    /// which closes its connections at shutdown.
    var services: [any Service] {
        guard case .redis(_, let client) = blocklist else { return [database.service] }
        return [database.service, client]
    }

    /// Closes the stores, for a process that runs no service group.
    func close() async throws {
        if case .redis(_, let client) = blocklist { await client.close() }
        try await database.close()
    }

    static func open(_ configuration: AuthServerConfiguration, clock: JWTClock, logger: Logger) async throws -> ServiceStores {
        switch configuration.database {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let store: SQLiteStore
            do {
                store = try await SQLiteStore(path: path, clock: clock, logger: logger)
            } catch let clash as UsernameClash {
                throw ConfigurationError(setting: "JWT_AUTH_DATABASE_URL", message: "cannot open the SQLite database at \(path): \(clash)")
            } catch {
                throw ConfigurationError(setting: "JWT_AUTH_DATABASE_URL", message: "cannot open the SQLite database at \(path)")
            }
            return try around(store, configuration, clock, logger)
        case .postgres(let url):
            return try await openPostgres(url: url, configuration, clock: clock, logger: logger)
        }
    }

    /// The stores around `database`: revocations checked in it, in memory, or in Redis in front of it, as
    /// the configuration's blocklist says.
    static func around(
        _ database: some ServiceDatabase,
        _ configuration: AuthServerConfiguration,
        _ clock: JWTClock,
        _ logger: Logger
    ) throws -> ServiceStores {
        switch configuration.blocklist {
        case .database:
            return ServiceStores(database: database, blocklist: .database)
        case .memory:
            return ServiceStores(database: database, blocklist: .memory(MemoryRevocationStore(clock: clock)))
        case .redis(let url):
            let (store, client) = try redisBlocklist(url: url, record: database, configuration, clock, logger)
            return ServiceStores(database: database, blocklist: .redis(store, client: client))
        }
    }
}
extension AuthServer {
    /// The user store of `configuration`, for the `users` commands; call `close` when done.
    public static func openUserStore(
        _ configuration: AuthServerConfiguration
    ) async throws -> (users: any UserStore, close: @Sendable () async throws -> Void) {
        let stores = try await ServiceStores.open(configuration, clock: .system, logger: Logger(label: "jwt-auth"))
        return (stores.users, { try await stores.close() })
    }

    /// `body` with the key store of `configuration`, for the `keys` commands: the database's with PostgreSQL
    /// (the database only, not the blocklist), else the data directory's; closed afterwards, also when `body`
    /// throws.
    public static func withKeyStore<T>(
        _ configuration: AuthServerConfiguration,
        _ body: (any KeyStore) async throws -> T
    ) async throws -> T {
        guard case .postgres(let url) = configuration.database else {
            return try await body(KeyDirectory(dataDirectory: configuration.dataDirectory))
        }
        let (keys, close) = try await ServiceStores.openPostgresKeyStore(url: url, configuration, logger: Logger(label: "jwt-auth"))
        do {
            let result = try await body(keys)
            try await close()
            return result
        } catch {
            try? await close()
            throw error
        }
    }
}
