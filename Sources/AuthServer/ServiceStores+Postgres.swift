import JWTAuth
import JWTAuthPostgres
import Logging

extension ServiceStores {
    /// The stores on PostgreSQL: users, sessions and (with the default blocklist) revocations, checked with
    /// one query per request so that every instance sees every other's revocations at once.
    static func openPostgres(url: String, _ configuration: AuthServerConfiguration, clock: JWTClock, logger: Logger) async throws -> ServiceStores {
        let store = try await connect(url: url, clock: clock, logger: logger)
        var stores = try around(store, configuration, clock, logger)
        stores.keyStore = PostgresKeyStore(store: store, location: configuration.database.description)
        return stores
    }

    /// The signing keys in the PostgreSQL database at `url`, on a connection pool of their own (for the `keys`
    /// commands); call `close` when done.
    static func openPostgresKeyStore(
        url: String,
        _ configuration: AuthServerConfiguration,
        logger: Logger
    ) async throws -> (keys: any KeyStore, close: @Sendable () async throws -> Void) {
        let store = try await connect(url: url, clock: .system, logger: logger)
        return (PostgresKeyStore(store: store, location: configuration.database.description), { await store.close() })
    }

    private static func connect(url: String, clock: JWTClock, logger: Logger) async throws -> PostgresStore {
        do {
            return try await PostgresStore.connect(url: url, clock: clock, logger: logger)
        } catch {
            let location = (try? PostgresURL(url).description) ?? "the configured URL"
            let reason = (error as? PostgresStoreError).map { ": \($0)" } ?? ""
            throw ConfigurationError(setting: "JWT_AUTH_DATABASE_URL", message: "cannot open the PostgreSQL database at \(location)\(reason)")
        }
    }
}

extension AuthServerConfiguration.Database: CustomStringConvertible {
    /// `sqlite:PATH`, or the PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): (try? PostgresURL(url).description) ?? "postgres://(unreadable URL)"
        }
    }
}
