import Foundation
public import JWTAuth
import JWTAuthSQLite
import Logging
import ServiceLifecycle

/// The stores of the service, opened from the configuration, and the service that purges and closes them.
struct ServiceStores: Sendable {
    let users: any UserStore
    /// The installation's secrets (the key of the usernames' pseudonyms in logs), in the database.
    let secrets: any InstallationSecretStore
    let sessions: any SessionStore
    let revocations: any RevocationStore
    /// Each store's name and a check that throws when it is down.
    let checks: [(name: String, check: @Sendable () async throws -> Void)]
    let service: any Service
    let close: @Sendable () async throws -> Void
    /// Where the signing keys live when not in the data directory (PostgreSQL: the database).
    var keyStore: (any KeyStore)? = nil

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
            return try assemble(
                store,
                check: { _ = try await store.user(id: "0") },
                snapshot: { try store.revocationSnapshot() },
                service: SQLiteStoreService(store: store),
                close: { try await store.close() },
                configuration,
                clock,
                logger
            )
        case .postgres(let url):
            return try await openPostgres(url: url, configuration, clock: clock, logger: logger)
        }
    }
}

extension ServiceStores {
    /// The stores around one database `store`: revocations in it, in memory, or in Redis in front of it
    /// (refilled from `snapshot`), as the configuration's blocklist says.
    static func assemble(
        _ store: some UserStore & SessionStore & RevocationStore & InstallationSecretStore,
        check: @escaping @Sendable () async throws -> Void,
        snapshot: @escaping @Sendable () async throws -> RevocationIndex,
        service: some Service,
        close: @escaping @Sendable () async throws -> Void,
        _ configuration: AuthServerConfiguration,
        _ clock: JWTClock,
        _ logger: Logger
    ) throws -> ServiceStores {
        var checks = [(name: "database", check: check)]
        let revocations: any RevocationStore
        var closeBlocklist: @Sendable () async -> Void = {}
        switch configuration.blocklist {
        case .database:
            revocations = store
        case .memory:
            revocations = MemoryRevocationStore(clock: clock)
            checks.append((name: "blocklist", check: {}))
        case .redis(let url):
            let redis = try redisBlocklist(url: url, record: store, snapshot: snapshot, configuration, clock, logger)
            revocations = redis.store
            checks.append((name: "blocklist", check: redis.check))
            closeBlocklist = redis.close
        }
        return ServiceStores(
            users: store,
            secrets: store,
            sessions: store,
            revocations: revocations,
            checks: checks,
            service: service,
            close: { [closeBlocklist] in
                await closeBlocklist()
                try await close()
            }
        )
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

    /// The users of `configuration` with the rules that end their sessions, writing revocations where
    /// `serve` reads them (the database, and Redis when `BLOCKLIST_URL` names it), for the `users`
    /// commands; closed afterwards, also when `body` throws.
    public static func withAccounts<T>(
        _ configuration: AuthServerConfiguration,
        _ body: (_ users: any UserStore, _ sessions: UserSessions) async throws -> T
    ) async throws -> T {
        let stores = try await ServiceStores.open(configuration, clock: .system, logger: Logger(label: "jwt-auth"))
        let sessions = UserSessions(
            sessions: stores.sessions,
            revocations: stores.revocations,
            refreshTokenLifetime: configuration.tokens.refreshTokenLifetime
        )
        do {
            let result = try await body(stores.users, sessions)
            try await stores.close()
            return result
        } catch {
            try? await stores.close()
            throw error
        }
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
