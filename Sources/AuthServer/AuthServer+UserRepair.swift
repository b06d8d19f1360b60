public import JWTAuth
import JWTAuthPostgres
import JWTAuthSQLite
public import JWTAuthService
import Logging

extension AuthServer {
    /// `body` with the accounts of `configuration`'s database, for the `users` commands: revocations go where
    /// `serve` reads them (the database, and Redis when `BLOCKLIST_URL` names it), passwords are hashed at
    /// `BCRYPT_COST`. Closed afterwards, also when `body` throws.
    public static func withAccountService<T>(
        _ configuration: AuthServerConfiguration,
        _ body: (AccountService) async throws -> T
    ) async throws -> T {
        let stores = try await ServiceStores.open(configuration, clock: .system, logger: Logger(label: "jwt-auth"))
        do {
            let result = try await body(accounts(configuration, users: stores.users, sessions: stores.sessions, revocations: stores.revocations))
            try await stores.close()
            return result
        } catch {
            try? await stores.close()
            throw error
        }
    }

    /// `body` with the accounts of `configuration`'s database alone (revocations in the database), for
    /// `jwt-auth users rename` and `users delete`; closed afterwards, also when `body` throws.
    ///
    /// Unlike ``withAccountService(_:_:)`` it opens a database whose username-key migration step is refused
    /// because existing names are equal under RFC 8265's comparison (see ``UsernameClash``): the step is left
    /// pending, so that these commands can resolve the clash, and the next start applies it. On such a
    /// database, `body` uses only `allUsers()`, `users(matching:)`, `rename(user:to:)` and `delete(user:)`.
    public static func withRepairableUserStore<T>(
        _ configuration: AuthServerConfiguration,
        _ body: (AccountService) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "jwt-auth")
        switch configuration.database {
        case .sqlite(let path):
            let store = try await SQLiteStore.openForRepair(path: path, logger: logger)
            do {
                let result = try await body(accounts(configuration, users: store, sessions: store, revocations: store))
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let url):
            let store = try await PostgresStore.connectForRepair(url: url, logger: logger)
            do {
                let result = try await body(accounts(configuration, users: store, sessions: store, revocations: store))
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }

    /// The accounts over these stores with the settings of `configuration`.
    private static func accounts(
        _ configuration: AuthServerConfiguration,
        users: any UserStore,
        sessions: any SessionStore,
        revocations: any RevocationStore
    ) -> AccountService {
        AccountService(
            users: users,
            sessions: sessions,
            revocations: revocations,
            passwords: PasswordHasher(cost: configuration.bcryptCost),
            tokens: configuration.tokens
        )
    }
}
